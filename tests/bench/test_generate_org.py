"""The generated org's shape on both backends: sizes, depth, leads, zones, keys, alignment."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from bench.orggen.build import OrgSize
from bench.orggen.timeline import split
from bench.orggen.vocabulary import ZONES
from bot.domain.periods import parse_period
from storage.models import CLOSED_STATUSES, Direction, GoalStatus, Role
from tests.bench.conftest import SIZE, TABLES, Generated, misaligned, table_rows


def test_every_table_has_the_size_asked_for(generated: Generated) -> None:
    rows = {table.name: len(table_rows(generated.engine, table)) for table in TABLES}
    assert rows == {
        "workspace": 1,
        "unit": SIZE.units,
        "person": SIZE.people,
        "csf": rows["csf"],
        "goal": SIZE.goals,
        "goal_update": SIZE.updates,
    }
    assert 2 * SIZE.units <= rows["csf"] <= 3 * SIZE.units
    assert generated.org.rows == rows
    assert set(generated.org.seconds) == set(rows)


def test_units_form_one_tree_six_levels_deep_under_the_company(generated: Generated) -> None:
    units = table_rows(generated.engine, TABLES[1])
    parent = {unit["id"]: unit["parent_id"] for unit in units}
    roots = [unit_id for unit_id, above in parent.items() if above is None]
    assert roots == [generated.org.company_unit_id]

    def depth(unit_id: int) -> int:
        above = parent[unit_id]
        return 1 if above is None else 1 + depth(above)

    depths = Counter(depth(unit_id) for unit_id in parent)
    assert sorted(depths) == [1, 2, 3, 4, 5, 6]
    assert depths[6] > depths[2]  # many teams, few business units
    facts = {unit.id: unit.level for unit in generated.org.units}
    assert facts == {unit_id: depth(unit_id) for unit_id in parent}


def test_each_unit_is_led_by_one_of_its_people_who_reports_up_the_tree(
    generated: Generated,
) -> None:
    units = {u["id"]: u for u in table_rows(generated.engine, TABLES[1])}
    people = {p["id"]: p for p in table_rows(generated.engine, TABLES[2])}
    assert len({unit["lead_id"] for unit in units.values()}) == len(units)
    for unit in units.values():
        lead = people[unit["lead_id"]]
        assert lead["unit_id"] == unit["id"]
        above = units.get(unit["parent_id"])
        assert lead["manager_id"] == (above["lead_id"] if above else None)
    for person in people.values():
        if person["id"] != units[person["unit_id"]]["lead_id"]:
            assert person["manager_id"] == units[person["unit_id"]]["lead_id"]
    roles = Counter(person["role"] for person in people.values())
    assert roles[Role.ADMIN] >= 1
    assert roles[Role.MEMBER] > len(people) // 2


def test_people_live_in_a_dozen_time_zones_and_a_few_have_none(generated: Generated) -> None:
    people = table_rows(generated.engine, TABLES[2])
    zones = Counter(person["tz"] for person in people)
    assert set(zones) - {None} <= {name for name, _ in ZONES}
    assert len(set(zones) - {None}) >= 10
    assert 0 < zones[None] < len(people) // 10
    assert all(person["next_checkin_at"] > generated.org.now for person in people)
    assert len({person["slack_user_id"] for person in people}) == len(people)


def test_every_foreign_key_points_at_a_row(generated: Generated) -> None:
    with generated.engine.connect() as connection:
        for table in TABLES:
            for key in table.foreign_keys:
                target = key.column.table.alias("target")
                column = table.c[key.parent.name]
                dangling = (
                    select(func.count())
                    .select_from(table.outerjoin(target, column == target.c[key.column.name]))
                    .where(column.is_not(None), target.c[key.column.name].is_(None))
                )
                assert connection.execute(dangling).scalar() == 0, f"{table.name}.{column.name}"


def test_goals_align_by_the_rules_with_csfs_of_their_own_unit(generated: Generated) -> None:
    assert misaligned(generated.engine) == []
    goals = {g["id"]: g for g in table_rows(generated.engine, TABLES[4])}
    aligned = sum(goal["parent_id"] is not None for goal in goals.values())
    assert aligned > 0.85 * len(goals)
    assert sum(goal["csf_id"] is not None for goal in goals.values()) > 0.3 * len(goals)


def test_goals_are_measurable_due_in_their_period_and_a_few_are_closed(
    generated: Generated,
) -> None:
    goals = table_rows(generated.engine, TABLES[4])
    for goal in goals:
        start, end = parse_period(goal["period"]).bounds()
        if goal["due_date"] is not None:
            assert start <= goal["due_date"] <= end
        if goal["baseline"] is not None:
            rising = goal["target"] > goal["baseline"]
            assert rising == (goal["direction"] is Direction.INCREASE)
        assert (goal["closed_at"] is not None) == (goal["status"] in CLOSED_STATUSES)
        assert goal["created_at"] < generated.org.now
    statuses = Counter(goal["status"] for goal in goals)
    assert statuses[GoalStatus.ACTIVE] > 0.75 * len(goals)
    assert 0 < sum(statuses[status] for status in CLOSED_STATUSES) < 0.2 * len(goals)
    assert sum(goal["metric_name"] is not None for goal in goals) > 0.85 * len(goals)
    assert [goal["number"] for goal in goals] == list(range(1, len(goals) + 1))


def test_every_unit_has_two_or_three_csfs_ranked_from_one(generated: Generated) -> None:
    ranks: dict[int, list[int]] = {}
    for csf in table_rows(generated.engine, TABLES[3]):
        ranks.setdefault(csf["unit_id"], []).append(csf["rank"])
    assert len(ranks) == SIZE.units
    assert all(sorted(found) in ([1, 2], [1, 2, 3]) for found in ranks.values())


def test_sizes_scale_down_and_never_below_a_tree(generated: Generated) -> None:
    assert OrgSize().scaled(0.1) == OrgSize(1_000, 150, 5_000, 100_000, 12, 6)
    tiny = OrgSize().scaled(0.0001)
    assert (tiny.units, tiny.people, tiny.goals) == (6, 6, 6)


def test_split_is_exact_proportional_and_keeps_the_minimum() -> None:
    assert split(10, [1, 1, 2]) == [3, 2, 5]  # a tie: the first share gets the one left
    assert sum(split(1_000_003, [0.3, 0.3, 0.4])) == 1_000_003
    assert split(5, [0, 100], minimum=1) == [1, 4]

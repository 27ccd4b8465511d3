"""The digest's content rules, pure: standing, roll-ups, exceptions, alignment, rhythm, movers."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from bot.digest.content import DigestInputs, build_content
from bot.digest.measure import STANDINGS, standing_of
from bot.digest.sections import confidence_pairs
from bot.digest.tree import depths, parent_positions, rollup
from bot.domain.digest import ExceptionKind, Standing
from bot.services.progress import RollupNode
from bot.services.progress import rollup as services_rollup
from storage.models import Cadence, Direction, Health
from storage.repositories.digest_columns import HEALTHS, GoalColumns, ScopeGoal
from storage.repositories.digest_data import DigestWindow
from storage.repositories.digest_details import CsfRow, UnitRow

AT = datetime(2027, 2, 15, 14, 0, tzinfo=UTC)
WINDOW = DigestWindow(AT, AT - timedelta(days=7), AT - timedelta(days=14))
COMPANY, SALES, TEAM = 1, 2, 3
UNITS = [UnitRow(COMPANY, "co", "Acme", None), UnitRow(SALES, "sales", "Sales", COMPANY)]
UNITS.append(UnitRow(TEAM, "team", "Team", SALES))


def goal(gid: int, **fields: Any) -> ScopeGoal:
    """A measurable, fresh, on-track 2027-Q1 goal of the Sales team unless told otherwise."""
    base: dict[str, Any] = {
        "id": gid,
        "number": gid,
        "unit_id": TEAM,
        "owner_id": 100 + gid,
        "parent_id": None,
        "csf_id": None,
        "period": "2027-Q1",
        "baseline": 0.0,
        "target": 100.0,
        "direction": Direction.INCREASE,
        "due_date": None,
        "weight": 1.0,
        "created_before_week": True,
        "created_before_previous": True,
        "has_update": True,
        "updated_this_week": True,
        "updated_last_week": True,
        "value": 51.0,
        "health": Health.ON_TRACK,
        "confidence": 8,
        "blocker": False,
        "value_before": 45.0,
        "confidence_before": 8,
    }
    return ScopeGoal(**(base | fields))


def inputs(goals: list[ScopeGoal], **fields: Any) -> DigestInputs:
    base: dict[str, Any] = {
        "scope_name": "Acme",
        "unit_id": None,
        "week_key": "2027-W07",
        "periods": ("2027-Q1", "FY2027"),
        "window": WINDOW,
        "fy_start_month": 1,
        "cadence": Cadence.WEEKLY,
        "goals": GoalColumns.of(goals),
        "units": UNITS,
        "csfs": [],
        "parents": {},
        "away": set(),
        "long_blocked": set(),
    }
    return DigestInputs(**(base | fields))


def _standing(reported: Health | None, computed: Health | None, *, stale: bool) -> Standing:
    codes = [np.array([HEALTHS.index(health)]) for health in (reported, computed)]
    return STANDINGS[int(standing_of(codes[0], codes[1], np.array([stale]))[0])]


def test_stale_overrides_health_and_the_worse_health_wins() -> None:
    assert _standing(Health.ON_TRACK, Health.OFF_TRACK, stale=True) is Standing.STALE
    assert _standing(Health.ON_TRACK, Health.OFF_TRACK, stale=False) is Standing.OFF_TRACK
    assert _standing(Health.AT_RISK, Health.ON_TRACK, stale=False) is Standing.AT_RISK
    assert _standing(None, Health.ON_TRACK, stale=False) is Standing.ON_TRACK
    assert _standing(None, None, stale=False) is Standing.NO_DATA


def test_the_one_pass_rollup_agrees_with_the_services_rule() -> None:
    rng = random.Random(5)
    goals = [
        goal(
            n,
            parent_id=rng.randint(1, n - 1) if n > 1 and rng.random() < 0.8 else None,
            weight=rng.choice([0.0, 1.0, 2.0]),
            value=rng.choice([None, rng.uniform(0, 100)]),
        )
        for n in range(1, 300)
    ]
    own = [None if g.value is None else g.value / 100 for g in goals]
    expected = services_rollup(
        RollupNode(g.id, g.parent_id, p, g.weight) for g, p in zip(goals, own, strict=True)
    )
    columns = GoalColumns.of(goals)
    parents = parent_positions(columns.id, columns.parent_id)
    rolled = rollup(
        np.array(own, dtype=np.float64),
        columns.weight,
        parents,
        depths(columns.id, columns.parent_id, parents),
    )
    found = {
        g.id: None if np.isnan(value) else float(value)
        for g, value in zip(goals, rolled, strict=True)
    }
    assert found.keys() == expected.keys()
    assert [v is None for v in found.values()] == [expected[k] is None for k in found]
    assert {k: v for k, v in found.items() if v is not None} == pytest.approx(
        {k: v for k, v in expected.items() if v is not None}
    )  # the same sums, added in another order


def test_each_exception_kind_is_found_and_counted() -> None:
    goals = [
        goal(1, value=10.0, health=Health.ON_TRACK),  # numbers: off track
        goal(2, value=35.0, health=None),  # numbers: at risk (expected ~51%)
        goal(3, updated_this_week=False, updated_last_week=False),  # stale
        goal(4, confidence=5, confidence_before=8),  # confidence 8 -> 5
        goal(5, blocker=True),
        goal(6),
    ]
    content = build_content(inputs(goals, long_blocked={5}))
    found = {group.kind: [i.goal.goal_id for i in group.items] for group in content.exceptions}
    assert found == {
        ExceptionKind.OFF_TRACK: [1],
        ExceptionKind.AT_RISK: [2],
        ExceptionKind.STALE: [3],
        ExceptionKind.CONFIDENCE: [4],
        ExceptionKind.BLOCKED: [5],
    }
    off = content.exceptions[0].items[0].goal
    assert (off.reported, off.computed) == (Health.ON_TRACK, Health.OFF_TRACK)  # both shown


def test_a_confidence_drop_of_one_is_not_an_exception() -> None:
    goals = [
        goal(1, confidence=7, confidence_before=8),
        goal(2, confidence=4, confidence_before=8),
        goal(3, confidence=None),  # "no change" this week: nothing new about confidence
        goal(4, confidence=3, confidence_before=None),  # never gave one before
        goal(5, confidence=2, confidence_before=9, updated_this_week=False),  # old news
    ]
    before, now = confidence_pairs(GoalColumns.of(goals))
    pairs = {
        g.id: (int(b), int(n))
        for g, b, n in zip(goals, before, now, strict=True)
        if not np.isnan(b) and not np.isnan(n)
    }
    assert pairs == {1: (8, 7), 2: (8, 4)}
    content = build_content(inputs(goals))
    kinds = {g.kind: g for g in content.exceptions}
    assert kinds[ExceptionKind.CONFIDENCE].total == 1
    assert [item.confidence for item in kinds[ExceptionKind.CONFIDENCE].items] == [(8, 4)]


def test_alignment_follows_parents_outside_the_scope() -> None:
    goals = [
        goal(1, parent_id=50),  # 50 is a company goal outside the scope
        goal(2, parent_id=1),
        goal(3),  # an orphan
        goal(4, parent_id=60),  # 60 sits under nothing
    ]
    parents = {50: (None, COMPANY), 60: (None, SALES)}
    content = build_content(inputs(goals, unit_id=TEAM, scope_name="Team", parents=parents))
    align = content.alignment
    assert (align.aligned, align.alignable, align.orphan_total) == (2, 4, 1)
    assert [line.goal_id for line in align.orphans] == [3]
    assert align.top_label == "goals of Team"
    assert {line.goal_id for line in align.unsupported} == {2, 3, 4}  # nothing serves them


def test_company_goals_nobody_supports() -> None:
    goals = [goal(1, unit_id=COMPANY), goal(2, unit_id=COMPANY), goal(3, parent_id=1)]
    align = build_content(inputs(goals)).alignment
    assert [line.goal_id for line in align.unsupported] == [2]
    assert (align.aligned, align.alignable) == (1, 1)


def test_rhythm_leaves_out_people_away_and_new_owners() -> None:
    goals = [
        goal(1, owner_id=7),  # answered
        goal(2, owner_id=8, updated_this_week=False, updated_last_week=False),  # missed twice
        goal(3, owner_id=9, updated_this_week=False, updated_last_week=False),  # away
        goal(4, owner_id=10, has_update=False, updated_this_week=False, updated_last_week=False,
             created_before_week=False, created_before_previous=False),  # new this week
    ]  # fmt: skip
    content = build_content(inputs(goals, away={9}))
    assert content.rhythm.answered == (7,)
    assert content.rhythm.missed_twice == (8,)
    headline = content.headline
    assert (headline.answered, headline.expected_answers) == (1, 2)


def test_movers_rank_the_biggest_gains_and_drops() -> None:
    goals = [
        goal(1, value=60.0, value_before=40.0),
        goal(2, value=30.0, value_before=45.0),
        goal(3, value=45.5, value_before=45.0),  # half a point: not a move
        goal(4, value=90.0, value_before=40.0, updated_this_week=False),  # not this week
    ]
    content = build_content(inputs(goals))
    assert [(m.goal.goal_id, round(m.change, 2)) for m in content.gains] == [(1, 0.2)]
    assert [(m.goal.goal_id, round(m.change, 2)) for m in content.drops] == [(2, -0.15)]


def test_headline_weighs_the_top_goals_roll_ups() -> None:
    goals = [
        goal(1, unit_id=COMPANY, value=None, weight=2.0),
        goal(2, parent_id=1, value=20.0),
        goal(3, parent_id=1, value=40.0),
        goal(4, unit_id=COMPANY, value=90.0, weight=1.0),
    ]
    headline = build_content(inputs(goals)).headline
    assert headline.progress is not None and round(headline.progress, 4) == round(
        (0.3 * 2 + 0.9) / 3, 4
    )
    assert headline.goals == 4


def test_csfs_per_unit_with_too_many_and_none_named() -> None:
    csfs = [CsfRow(n, SALES, "2027-Q1", n, f"CSF {n}") for n in range(1, 5)]
    goals = [goal(1, unit_id=SALES, csf_id=1, value=30.0), goal(2, unit_id=TEAM)]
    section = build_content(inputs(goals, csfs=csfs)).csfs
    assert [unit.unit_name for unit in section.units] == ["Sales"]
    first = section.units[0].csfs[0]
    assert (first.title, first.goals, first.progress) == ("CSF 1", 1, 0.3)
    assert section.too_many == ("Sales",)
    assert section.without == ("Team",)


def test_a_scope_without_goals_still_has_a_digest() -> None:
    content = build_content(inputs([], unit_id=TEAM, scope_name="Team"))
    assert (content.headline.goals, content.headline.progress) == (0, None)
    assert [group.total for group in content.exceptions] == [0] * len(ExceptionKind)
    assert (content.alignment.alignable, content.rhythm.expected) == (0, 0)
    assert content.gains == content.drops == content.chart_goals == ()

"""Invalid plans: every problem reported as file:line:field, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.domain.clock import FixedClock
from bot.plan import PlanErrors, import_plan
from tests.bot.test_plan_support import BASE_PLAN, DATA, dump

UNKNOWN_PERSON = "list them under people, or use someone in the workspace"
CASES = {
    "bad_parent.yaml": ["13:goals[1].parent: unknown goal 'sales-q1-x'"],
    "cycle.yaml": ["7:goals[0].parent: cycle: loop-a → loop-b → loop-a"],
    "cycle_stored.yaml": ["8:goals[0].parent: cycle: na-child → na-arr → na-child"],
    "unknown_owner.yaml": [f"4:goals[0].owner: unknown person 'U0NOBODY': {UNKNOWN_PERSON}"],
    "bad_number.yaml": [
        "10:goals[0].metric.baseline: 'lots' is not a number: type one like 42 or 12.5"
    ],
    "bad_date.yaml": ["8:goals[0].due: '2027-02-30' is not a date: use YYYY-MM-DD"],
    "period_rule.yaml": [
        "8:goals[0].parent: the parent's period 2027-Q1 does not contain FY2027: "
        "align to a goal of the same period or its fiscal year",
        "15:goals[1].parent: the parent belongs to a unit that is not this goal's unit "
        "or one above it",
    ],
    "csf_other_unit.yaml": [
        "8:goals[0].csf: CSF 'mkt-csf' belongs to unit 'marketing', not to this goal's unit 'sales'"
    ],
    "moved_parent.yaml": [
        "3:goals[0].csf: CSF 'sales-csf' is for 2027-Q1, which does not contain 2027-Q2",
        "3:goals[0]: na-arr, aligned to this goal: the parent's period 2027-Q2 does not "
        "contain 2027-Q1: align to a goal of the same period or its fiscal year",
    ],
    "email_conflict.yaml": [
        "2:people[0].slack_id: email 'REP@test.example' belongs to U0TEST0003 in the "
        "workspace, not U0TEST0099"
    ],
    "two_errors.yaml": [
        "7:goals[0].parent: unknown goal 'no-such-goal'",
        f"10:goals[1].owner: unknown person 'nobody@test.example': {UNKNOWN_PERSON}",
    ],
}


def _errors(engine: Engine, path: Path, clock: FixedClock) -> list[str]:
    with pytest.raises(PlanErrors) as raised:
        import_plan(engine, path, clock)
    return [str(error) for error in raised.value.errors]


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_invalid_plan_reports_exact_lines_and_writes_nothing(
    engine: Engine, clock: FixedClock, name: str
) -> None:
    import_plan(engine, BASE_PLAN, clock)
    before = dump(engine)
    path = DATA / name

    errors = _errors(engine, path, clock)

    assert errors == [f"{path}:{expected}" for expected in CASES[name]]
    assert dump(engine) == before


def test_malformed_yaml_is_one_error_at_the_parsers_line(engine: Engine, clock: FixedClock) -> None:
    import_plan(engine, BASE_PLAN, clock)
    before = dump(engine)
    path = DATA / "malformed.yaml"

    [error] = _errors(engine, path, clock)

    assert error.startswith(f"{path}:3:yaml: malformed YAML: mapping values are not allowed")
    assert dump(engine) == before


def test_every_problem_in_a_whole_plan_is_collected(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(
        "workspace: {team_id: T0BAD, fiscal_year_start_month: 13}\n"  # 1
        "units:\n"  # 2
        "  - {key: co, name: Co, lead: U0GHOST}\n"  # 3
        "  - {key: co, name: Again}\n"  # 4
        "  - {key: a, name: A, parent: b}\n"  # 5
        "  - {key: b, name: B, parent: a}\n"  # 6
        "people:\n"  # 7
        "  - {slack_id: U0ONE, name: One, unit: nowhere, role: boss}\n"  # 8
        "  - {name: Nobody}\n"  # 9
        "  - {slack_id: U0TWO, name: Two, manager: U0TWO}\n"  # 10
        "csfs:\n"  # 11
        "  - {key: c, unit: co, period: 2027-Q1, title: No rank}\n"  # 12
        "goals:\n"  # 13
        "  - {key: g, title: G, owner: U0ONE, unit: co, period: 2027-Q1, csf: c, titel: x}\n"
        "  - {key: h, owner: U0ONE, unit: co, period: Q1, weight: -2}\n"  # 15
    )

    errors = _errors(engine, path, clock)

    assert [error.removeprefix(f"{path}:") for error in errors] == [
        "1:workspace.fiscal_year_start_month: 13 is out of range: use 1 to 12",
        f"3:units[0].lead: unknown person 'U0GHOST': {UNKNOWN_PERSON}",
        "4:units[1].key: duplicate unit key 'co' (first at line 3)",
        "5:units[2].parent: cycle: a → b → a",
        "8:people[0].role: 'boss' is not one of: member, executive, admin",
        "8:people[0].unit: unknown unit 'nowhere'",
        "9:people[1]: give slack_id or email (or both)",
        "10:people[2].manager: cycle: U0TWO → U0TWO",
        "12:csfs[0].rank: missing required field",
        "14:goals[0].titel: unknown field 'titel' (did you mean 'title'?)",
        "15:goals[1].period: 'Q1' is not a period: use a quarter like 2027-Q1 or a year like "
        "FY2027",
        "15:goals[1].weight: '-2' is negative; a weight is zero or more",
        "15:goals[1].title: missing required field",
    ]
    assert dump(engine)["workspace"] == []

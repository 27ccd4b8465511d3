"""The cascade's rules: periods, units and cycles."""

from __future__ import annotations

from bot.domain.cascade import alignment_problem, creates_cycle, find_cycle
from bot.domain.periods import Period

# company(1) > sales(2) > emea(3); marketing(4) under company.
UNIT_PARENT = {1: None, 2: 1, 3: 2, 4: 1}


def _problem(child_unit: int, parent_unit: int, child: Period, parent: Period) -> str | None:
    return alignment_problem(
        child_period=child,
        child_unit_id=child_unit,
        parent_period=parent,
        parent_unit_id=parent_unit,
        unit_parent=UNIT_PARENT.get,
    )


def test_a_team_goal_may_align_to_a_goal_above_in_the_same_or_enclosing_period() -> None:
    assert _problem(3, 1, Period(2027, 1), Period(2027)) is None
    assert _problem(3, 2, Period(2027, 1), Period(2027, 1)) is None
    assert _problem(3, 3, Period(2027, 1), Period(2027, 1)) is None


def test_a_parent_in_a_lower_or_sibling_unit_is_refused() -> None:
    assert "unit" in (_problem(2, 3, Period(2027, 1), Period(2027, 1)) or "")
    assert "unit" in (_problem(3, 4, Period(2027, 1), Period(2027, 1)) or "")


def test_a_parent_in_a_narrower_or_other_period_is_refused() -> None:
    assert "period" in (_problem(3, 1, Period(2027), Period(2027, 1)) or "")
    assert "period" in (_problem(3, 1, Period(2027, 2), Period(2027, 1)) or "")


def test_cycles_are_found() -> None:
    parent_of: dict[int | str, int | str | None] = {1: None, 2: 1, 3: 2}
    assert creates_cycle(goal_id=1, new_parent_id=3, parent_of=parent_of)
    assert creates_cycle(goal_id=2, new_parent_id=2, parent_of=parent_of)
    assert not creates_cycle(goal_id=3, new_parent_id=1, parent_of=parent_of)
    assert find_cycle({"a": "b", "b": "c", "c": "a", "d": None}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": None, "b": "a"}) is None

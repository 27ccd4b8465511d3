"""Validation of a goal's fields and place in the tree, and SMART coaching."""

from __future__ import annotations

import math

from sqlmodel import Session

from bot.domain.cascade import alignment_problem, creates_cycle
from bot.domain.errors import InvalidInput
from bot.domain.goals import goal_label
from bot.domain.periods import Period, PeriodError, parse_period
from storage.models import Direction, Goal, Person
from storage.repositories.csfs import get_csf
from storage.repositories.goals import goal_ancestors
from storage.repositories.units import unit_parent_map

TITLE_MAX = 200
DESCRIPTION_MAX = 3000
METRIC_NAME_MAX = 200
METRIC_UNIT_MAX = 32


def check_period(text: str) -> Period:
    """A valid period, or InvalidInput on the ``period`` field."""
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise InvalidInput(f"{exc}.", field="period") from exc


def check_owner(person: Person | None, slack_user_id: str) -> Person:
    """An active person to own a goal, or InvalidInput on the ``owner`` field."""
    if person is None or not person.is_active:
        raise InvalidInput(
            f"<@{slack_user_id}> is not set up in goalbot, so they cannot own a goal. "
            "Pick someone else, or ask an admin to add them.",
            field="owner",
        )
    return person


def check_goal(session: Session, goal: Goal, fy_start_month: int) -> None:
    """Check a goal's title, description, metric, due date and CSF; raise InvalidInput."""
    _check_title(goal.title)
    _check_length(goal.description, "description", "description", DESCRIPTION_MAX)
    _check_length(goal.metric_name, "metric_name", "metric name", METRIC_NAME_MAX)
    _check_length(goal.metric_unit, "metric_unit", "metric unit", METRIC_UNIT_MAX)
    _check_numbers(goal)
    period = check_period(goal.period)
    _check_due_date(goal, period, fy_start_month)
    _check_csf(session, goal, period)


def check_alignment(session: Session, goal: Goal, parent: Goal, who: str) -> None:
    """Refuse a parent in a lower or sibling unit, or a narrower or other period."""
    units = unit_parent_map(session=session, team_id=goal.team_id)
    problem = alignment_problem(
        child_period=check_period(goal.period),
        child_unit_id=goal.unit_id,
        parent_period=check_period(parent.period),
        parent_unit_id=parent.unit_id,
        unit_parent=units.get,
    )
    if problem is not None:
        raise InvalidInput(
            f"{who} cannot align under {goal_label(parent.number)}: {problem}.", field="parent"
        )


def check_no_cycle(session: Session, goal: Goal, parent: Goal) -> None:
    """Refuse a parent that sits below the goal (or is the goal): the tree would loop."""
    if goal.id is None or parent.id is None:
        return
    chain = goal_ancestors(session=session, team_id=goal.team_id, goal_id=parent.id)
    parent_of: dict[int | str, int | str | None] = {parent.id: parent.parent_id}
    parent_of.update({above.id: above.parent_id for above in chain if above.id is not None})
    if creates_cycle(goal_id=goal.id, new_parent_id=parent.id, parent_of=parent_of):
        label, parent_text = goal_label(goal.number), goal_label(parent.number)
        raise InvalidInput(
            f"{label} cannot align under {parent_text}: {parent_text} already sits below "
            f"{label}, so the tree would loop. Pick a goal above {label} instead.",
            field="parent",
        )


def smart_coaching(goal: Goal, *, is_company: bool) -> tuple[str, ...]:
    """Friendly nudges for what would make the goal measurable and aligned."""
    tips: list[str] = []
    if not goal.metric_name:
        tips.append("How will we know? Add a metric, e.g. 'new customers' or 'NPS'.")
    if goal.target is None:
        tips.append("Add a target: the number that means done.")
    elif goal.baseline is None:
        tips.append("Add a baseline (where you start) so progress can be measured.")
    if goal.due_date is None:
        tips.append("Add a due date, so everyone knows when it should be done.")
    if goal.parent_id is None and not is_company:
        tips.append("Align it to a goal above it, so it shows how it serves the strategy.")
    return tuple(tips)


def _check_title(title: str) -> None:
    if not title.strip():
        raise InvalidInput(
            "A goal needs a title: say what will be achieved, e.g. 'Win 20 new customers'.",
            field="title",
        )
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            f"The title is {len(title)} characters long; keep it to {TITLE_MAX} or fewer "
            "and put the detail in the description.",
            field="title",
        )


def _check_length(text: str | None, field: str, what: str, limit: int) -> None:
    if text is not None and len(text) > limit:
        raise InvalidInput(
            f"The {what} is {len(text)} characters long; keep it to {limit} or fewer.",
            field=field,
        )


def _check_numbers(goal: Goal) -> None:
    for field, value in (("baseline", goal.baseline), ("target", goal.target)):
        if value is not None and not math.isfinite(value):
            raise InvalidInput(f"The {field} must be a plain number.", field=field)
    if not math.isfinite(goal.weight) or goal.weight < 0:
        raise InvalidInput("The weight must be a number of 0 or more (1 is usual).", field="weight")
    if goal.baseline is None or goal.target is None:
        return
    wrong_way = (goal.direction is Direction.INCREASE and goal.target < goal.baseline) or (
        goal.direction is Direction.DECREASE and goal.target > goal.baseline
    )
    if wrong_way:
        raise InvalidInput(
            f"The target {goal.target:g} is on the wrong side of the baseline "
            f"{goal.baseline:g} for a metric that should {goal.direction.value}: "
            "swap the direction or check the numbers.",
            field="target",
        )


def _check_due_date(goal: Goal, period: Period, fy_start_month: int) -> None:
    start, _ = period.bounds(fy_start_month)
    if goal.due_date is not None and goal.due_date < start:
        raise InvalidInput(
            f"The due date {goal.due_date.isoformat()} is before {period} starts "
            f"({start.isoformat()}): pick a date on or after it.",
            field="due_date",
        )


def _check_csf(session: Session, goal: Goal, period: Period) -> None:
    if goal.csf_id is None:
        return
    csf = get_csf(session=session, team_id=goal.team_id, csf_id=goal.csf_id)
    if csf is None:
        raise InvalidInput("That CSF does not exist any more: pick another one.", field="csf")
    if csf.unit_id != goal.unit_id or not check_period(csf.period).encloses(period):
        raise InvalidInput(
            f"The CSF '{csf.title}' belongs to another unit or period: pick a CSF of this "
            f"goal's unit for {period} (or its fiscal year).",
            field="csf",
        )

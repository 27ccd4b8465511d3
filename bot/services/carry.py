"""Carrying a goal over: its copy in the next period, still aligned where the rules allow."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from bot.domain.cascade import alignment_problem
from bot.domain.periods import Period
from bot.services.context import fiscal_start_month
from bot.services.goal_checks import check_period
from storage.models import Goal, GoalStatus
from storage.repositories.csfs import get_csf
from storage.repositories.goals import get_goal, next_goal_number
from storage.repositories.units import unit_parent_map

KEY_MAX = 64
_COPIED = (
    "title", "description", "owner_id", "unit_id", "metric_name", "metric_unit", "baseline",
    "target", "direction", "weight", "visibility",
)  # fmt: skip


def carry_over(session: Session, goal: Goal, now: datetime) -> Goal:
    """An unsaved, numbered copy of a goal in the next period of the same length.

    The copy links back to the original (``carried_from_id``, its history), keeps the parent
    when that parent may still hold it (same or enclosing period), keeps the CSF when the
    CSF's period covers the new one, gets the original's key with a ``~<period>`` suffix,
    and, when the old due date falls before the new period, is due at the new period's end.
    """
    period = check_period(goal.period).next()
    start, end = period.bounds(fiscal_start_month(session, goal.team_id))
    return Goal(
        **{name: getattr(goal, name) for name in _COPIED},
        team_id=goal.team_id,
        number=next_goal_number(session=session, team_id=goal.team_id),
        key=carried_key(goal.key, period),
        period=str(period),
        carried_from_id=goal.id,
        parent_id=_kept_parent(session, goal, period),
        csf_id=_kept_csf(session, goal, period),
        due_date=_carried_due(goal.due_date, start, end),
        status=GoalStatus.ACTIVE,
        created_at=now,
        updated_at=now,
    )


def carried_key(key: str | None, period: Period) -> str | None:
    """``okr-7`` carried into 2027-Q2 becomes ``okr-7~2027-Q2`` (earlier suffixes dropped)."""
    if key is None:
        return None
    suffix = f"~{period}"
    return key.split("~")[0][: KEY_MAX - len(suffix)] + suffix


def _kept_parent(session: Session, goal: Goal, period: Period) -> int | None:
    if goal.parent_id is None:
        return None
    parent = get_goal(session=session, team_id=goal.team_id, goal_id=goal.parent_id)
    if parent is None:
        return None
    problem = alignment_problem(
        child_period=period,
        child_unit_id=goal.unit_id,
        parent_period=check_period(parent.period),
        parent_unit_id=parent.unit_id,
        unit_parent=unit_parent_map(session=session, team_id=goal.team_id).get,
    )
    return parent.id if problem is None else None


def _kept_csf(session: Session, goal: Goal, period: Period) -> int | None:
    if goal.csf_id is None:
        return None
    csf = get_csf(session=session, team_id=goal.team_id, csf_id=goal.csf_id)
    if csf is None or not check_period(csf.period).encloses(period):
        return None
    return csf.id


def _carried_due(due: date | None, start: date, end: date) -> date | None:
    if due is None or due >= start:
        return due
    return end

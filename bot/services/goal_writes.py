"""Changing goals inside one unit of work: create, edit, align, reassign, close."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.domain.errors import InvalidInput
from bot.domain.goals import ClosedGoal, CreatedGoal, EditedGoal, GoalDraft, GoalEdit, goal_label
from bot.services.carry import carry_over
from bot.services.context import (
    audit,
    fiscal_start_month,
    load_actor,
    load_authority,
    require_goal,
    saved_id,
)
from bot.services.goal_checks import check_alignment, check_goal, check_no_cycle, smart_coaching
from bot.services.goal_drafts import attach_parent, draft_unit, new_goal, resolve_owner
from bot.services.permissions import Authority, require_write_goal
from storage.models import CLOSED_STATUSES, Goal, GoalStatus
from storage.repositories.audit import snapshot
from storage.repositories.goals import add_goal, get_goal, next_goal_number

GOAL_FIELDS = (
    "number", "key", "title", "description", "owner_id", "unit_id", "period", "parent_id",
    "csf_id", "metric_name", "metric_unit", "baseline", "target", "direction", "due_date",
    "weight", "status", "visibility",
)  # fmt: skip
CLOSE_FIELDS = ("status", "closed_at")


def create_goal(
    session: Session, actor_id: str, team_id: str, draft: GoalDraft, now: datetime
) -> CreatedGoal:
    """Validate a draft, add the goal with the next number, and audit it."""
    owner = resolve_owner(session, team_id, draft.owner_slack_id)
    unit = draft_unit(session, team_id, draft, owner)
    authority = _authorize(session, actor_id, team_id, unit.id)
    goal = new_goal(session, team_id, draft, owner, unit, now)
    check_goal(session, goal, fiscal_start_month(session, team_id))
    if draft.parent_number is not None:
        parent = attach_parent(session, goal, draft.parent_number)
        check_alignment(session, goal, parent, "This goal")
    goal.number = next_goal_number(session=session, team_id=team_id)
    add_goal(session=session, goal=goal)
    audit(session, actor_id, goal, "create", {}, snapshot(goal, GOAL_FIELDS), now)
    return CreatedGoal(goal=goal, coaching=smart_coaching(goal, is_company=authority.is_company))


def edit_goal(
    session: Session, actor_id: str, team_id: str, number: int, edit: GoalEdit, now: datetime
) -> EditedGoal:
    """Apply an edit's changed fields after checking them, and audit before → after."""
    goal = require_goal(session, team_id, number)
    authority = _authorize(session, actor_id, team_id, goal.unit_id)
    changes = {
        name: value for name, value in _cleaned(edit).items() if getattr(goal, name) != value
    }
    before = snapshot(goal, list(changes))
    with session.no_autoflush:
        for name, value in changes.items():
            setattr(goal, name, value)
        check_goal(session, goal, fiscal_start_month(session, team_id))
    if changes:
        goal.updated_at = now
        audit(session, actor_id, goal, "edit", before, snapshot(goal, list(changes)), now)
    coaching = smart_coaching(goal, is_company=authority.is_company)
    return EditedGoal(goal=goal, changed=tuple(changes), coaching=coaching)


def align_goal(
    session: Session,
    actor_id: str,
    team_id: str,
    number: int,
    parent_number: int | None,
    now: datetime,
) -> Goal:
    """Set (or, with None, clear) a goal's parent: no loops, only upward, same or wider period."""
    goal = require_goal(session, team_id, number)
    _authorize(session, actor_id, team_id, goal.unit_id)
    parent = None if parent_number is None else require_goal(session, team_id, parent_number)
    if parent is not None:
        check_no_cycle(session, goal, parent)
        check_alignment(session, goal, parent, goal_label(goal.number))
    before = _parent_snapshot(session, goal)
    goal.parent_id, goal.updated_at = (parent.id if parent else None), now
    audit(session, actor_id, goal, "align", before, _parent_snapshot(session, goal), now)
    return goal


def set_goal_owner(
    session: Session, actor_id: str, team_id: str, number: int, owner_slack_id: str, now: datetime
) -> Goal:
    """Hand a goal to another (active) person."""
    goal = require_goal(session, team_id, number)
    _authorize(session, actor_id, team_id, goal.unit_id)
    owner = resolve_owner(session, team_id, owner_slack_id)
    before = snapshot(goal, ["owner_id"])
    goal.owner_id, goal.updated_at = saved_id(owner), now
    audit(session, actor_id, goal, "owner", before, snapshot(goal, ["owner_id"]), now)
    return goal


def close_goal(
    session: Session, actor_id: str, team_id: str, number: int, status: GoalStatus, now: datetime
) -> ClosedGoal:
    """Close a goal as achieved, missed, dropped or carried over (copied to the next period)."""
    goal = require_goal(session, team_id, number)
    _authorize(session, actor_id, team_id, goal.unit_id)
    _check_closable(goal, status)
    before = snapshot(goal, CLOSE_FIELDS)
    goal.status, goal.closed_at, goal.updated_at = status, now, now
    audit(session, actor_id, goal, "close", before, snapshot(goal, CLOSE_FIELDS), now)
    if status is not GoalStatus.CARRIED_OVER:
        return ClosedGoal(goal=goal)
    copy = add_goal(session=session, goal=carry_over(session, goal, now))
    after = {**snapshot(copy, GOAL_FIELDS), "carried_from": goal_label(goal.number)}
    audit(session, actor_id, copy, "create", {}, after, now)
    return ClosedGoal(goal=goal, carried_to=copy)


def _authorize(session: Session, actor_id: str, team_id: str, unit_id: int | None) -> Authority:
    authority = load_authority(session, team_id, unit_id)
    require_write_goal(load_actor(session, team_id, actor_id), authority)
    return authority


def _cleaned(edit: GoalEdit) -> dict[str, Any]:
    changes = edit.changes()
    if isinstance(changes.get("title"), str):
        changes["title"] = changes["title"].strip()
    return changes


def _check_closable(goal: Goal, status: GoalStatus) -> None:
    if status not in CLOSED_STATUSES:
        raise InvalidInput(
            "A goal closes as achieved, missed, dropped or carried_over.", field="status"
        )
    if goal.status in CLOSED_STATUSES:
        raise InvalidInput(
            f"{goal_label(goal.number)} is already closed ({goal.status.value}).", field="status"
        )


def _parent_snapshot(session: Session, goal: Goal) -> dict[str, Any]:
    parent_id = goal.parent_id
    parent = (
        None
        if parent_id is None
        else get_goal(session=session, team_id=goal.team_id, goal_id=parent_id)
    )
    return {"parent_id": parent_id, "parent": goal_label(parent.number) if parent else None}

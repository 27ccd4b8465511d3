"""Close-out: each owner's DM of a review, and closing a goal from it.

The owner of a goal may close it from the DM (so may whoever may change the unit's goals:
its lead, a lead above, an admin; executives for company goals). *Carry over* copies the
goal into the next period with ``bot.services.carry.carry_over`` (the copy records
``carried_from_id``) and marks the old one carried over. Answering twice with the same
outcome is a no-op; a different outcome for a closed goal is refused with its current one.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.domain.errors import InvalidInput, NotFound, PermissionDenied
from bot.domain.goals import goal_label
from bot.domain.periods import parse_period
from bot.domain.review import CloseoutGoal, CloseoutView
from bot.reviews.policy import review_periods
from bot.services.carry import carry_over
from bot.services.context import (
    audit,
    load_actor,
    load_authority,
    require_goal,
    saved_id,
    workspace_or_default,
)
from bot.services.goal_views import measure
from bot.services.permissions import can_write_goal
from storage.models import CLOSED_STATUSES, Goal, GoalStatus, Person, Review
from storage.repositories.audit import snapshot
from storage.repositories.goals import add_goal
from storage.repositories.people import get_person
from storage.repositories.reviews import carried_copies, get_review, goals_in_scope
from storage.repositories.units import get_unit
from storage.repositories.updates import latest_updates

OUTCOMES = frozenset({GoalStatus.ACHIEVED, GoalStatus.MISSED, GoalStatus.CARRIED_OVER})
CLOSE_FIELDS = ("status", "closed_at")
COPY_FIELDS = ("number", "key", "title", "owner_id", "unit_id", "period", "parent_id", "status")


def require_review(session: Session, team_id: str, review_id: int) -> Review:
    """The review, or NotFound saying the button is stale."""
    review = get_review(session=session, team_id=team_id, review_id=review_id)
    if review is None:
        raise NotFound("That review no longer exists: its buttons have expired.")
    return review


def close_goal_from_review(
    session: Session,
    actor_id: str,
    review: Review,
    number: int,
    outcome: GoalStatus,
    now: datetime,
) -> Goal:
    """Close one goal of the review's unit as achieved, missed or carried over."""
    goal = require_goal(session, review.team_id, number)
    _check_in_review(goal, review)
    _authorize(session, actor_id, goal)
    if goal.status is outcome:
        return goal
    if goal.status in CLOSED_STATUSES:
        raise InvalidInput(
            f"{goal_label(goal.number)} is already closed as {goal.status.value.replace('_', ' ')}."
        )
    before = snapshot(goal, CLOSE_FIELDS)
    goal.status, goal.closed_at, goal.updated_at = outcome, now, now
    audit(session, actor_id, goal, "close", before, snapshot(goal, CLOSE_FIELDS), now)
    if outcome is GoalStatus.CARRIED_OVER:
        copy = add_goal(session=session, goal=carry_over(session, goal, now))
        after = {**snapshot(copy, COPY_FIELDS), "carried_from": goal_label(goal.number)}
        audit(session, actor_id, copy, "create", {}, after, now)
    return goal


def _check_in_review(goal: Goal, review: Review) -> None:
    periods = review_periods(parse_period(review.period))
    if goal.unit_id != review.unit_id or goal.period not in periods:
        raise InvalidInput(f"{goal_label(goal.number)} is not part of this review.")


def _authorize(session: Session, actor_id: str, goal: Goal) -> None:
    actor = load_actor(session, goal.team_id, actor_id)
    if actor.person_id == goal.owner_id:
        return
    if not can_write_goal(actor, load_authority(session, goal.team_id, goal.unit_id)):
        raise PermissionDenied(
            f"Only the owner of {goal_label(goal.number)} or a lead of its unit can close it."
        )


def closeout_view(
    session: Session, review: Review, owner_id: int, at: datetime
) -> CloseoutView | None:
    """One owner's close-out DM for a review; None when they own no goal of it."""
    periods = review_periods(parse_period(review.period))
    goals = goals_in_scope(
        session=session,
        team_id=review.team_id,
        unit_id=review.unit_id,
        periods=periods,
        owner_id=owner_id,
    )
    owner = get_person(session=session, team_id=review.team_id, person_id=owner_id)
    unit = get_unit(session=session, team_id=review.team_id, unit_id=review.unit_id)
    if not goals or owner is None or unit is None:
        return None
    return CloseoutView(
        review_id=saved_id(review),
        unit_name=unit.name,
        period=review.period,
        owner_name=_name(owner),
        channel_id=review.channel_id,
        goals=_closeout_goals(session, review.team_id, goals, at),
    )


def _closeout_goals(
    session: Session, team_id: str, goals: list[Goal], at: datetime
) -> tuple[CloseoutGoal, ...]:
    ids = [saved_id(goal) for goal in goals]
    latest = latest_updates(session=session, team_id=team_id, goal_ids=ids)
    copies = carried_copies(session=session, team_id=team_id, goal_ids=ids)
    workspace = workspace_or_default(session, team_id)
    found = []
    for goal in goals:
        copy = copies.get(saved_id(goal))
        found.append(
            CloseoutGoal(
                number=goal.number,
                title=goal.title,
                status=goal.status,
                progress=measure(goal, latest.get(saved_id(goal)), at, workspace).progress,
                carried_to=copy.number if copy is not None else None,
                next_period=copy.period if copy is not None else "",
            )
        )
    return tuple(found)


def _name(person: Person) -> str:
    return person.name or "there"

"""Quarterly reviews: what a scorecard reads, the reviews themselves, ratings and replies.

Keyword-only functions on a caller's session, scoped to one workspace; nothing here commits.
Posting review threads (the claim/lease part) lives in ``storage.repositories.review_posting``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from storage.models import (
    CheckinDelivery,
    DeliveryKind,
    DeliveryStatus,
    Direction,
    Goal,
    GoalStatus,
    Person,
    Review,
    ReviewResponse,
    Unit,
)

RATING_PREFIX = "rating:"
REPLY_PREFIX = "reply:"


@dataclass(frozen=True)
class ReviewGoal:
    """The columns of a goal a scorecard needs, with its owner's Slack id."""

    id: int
    number: int
    title: str
    status: GoalStatus
    period: str
    parent_id: int | None
    unit_id: int
    owner_id: int
    owner_slack_id: str
    csf_id: int | None
    baseline: float | None
    target: float | None
    direction: Direction
    due_date: date | None
    weight: float
    created_at: datetime


_GOAL_COLUMNS = (
    col(Goal.id),
    col(Goal.number),
    col(Goal.title),
    col(Goal.status),
    col(Goal.period),
    col(Goal.parent_id),
    col(Goal.unit_id),
    col(Goal.owner_id),
    col(Person.slack_user_id),
    col(Goal.csf_id),
    col(Goal.baseline),
    col(Goal.target),
    col(Goal.direction),
    col(Goal.due_date),
    col(Goal.weight),
    col(Goal.created_at),
)


def goals_of_periods(
    *, session: Session, team_id: str, periods: Collection[str]
) -> list[ReviewGoal]:
    """Every goal of the workspace in these periods (any unit, any status), by number."""
    query = (
        select(*_GOAL_COLUMNS)
        .join(Person, col(Person.id) == col(Goal.owner_id))
        .where(col(Goal.team_id) == team_id, col(Goal.period).in_(list(periods)))
        .order_by(col(Goal.number))
    )
    return [ReviewGoal(*row) for row in session.execute(query)]


def units_with_goals(*, session: Session, team_id: str, periods: Collection[str]) -> list[int]:
    """The units owning at least one goal of these periods that is not dropped or carried over."""
    gone = [GoalStatus.DROPPED, GoalStatus.CARRIED_OVER]
    query = (
        select(col(Goal.unit_id))
        .where(col(Goal.team_id) == team_id, col(Goal.period).in_(list(periods)))
        .where(col(Goal.status).not_in(gone))
        .distinct()
    )
    return sorted(int(unit_id) for unit_id in session.execute(query).scalars())


def checkin_answers(
    *, session: Session, team_id: str, since: datetime, until: datetime
) -> dict[int, tuple[int, int]]:
    """Per person: check-ins due in [since, until) answered and missed (other outcomes aside)."""
    c = CheckinDelivery
    counted = [DeliveryStatus.ANSWERED, DeliveryStatus.MISSED]
    query = (
        select(col(c.person_id), col(c.status), func.count())
        .where(col(c.team_id) == team_id, col(c.kind) == DeliveryKind.CHECKIN)
        .where(col(c.due_at) >= since, col(c.due_at) < until, col(c.status).in_(counted))
        .group_by(col(c.person_id), col(c.status))
    )
    found: dict[int, tuple[int, int]] = {}
    for person_id, status, count in session.execute(query):
        answered, missed = found.get(int(person_id), (0, 0))
        if DeliveryStatus(status) is DeliveryStatus.ANSWERED:
            answered += int(count)
        else:
            missed += int(count)
        found[int(person_id)] = (answered, missed)
    return found


def get_review(*, session: Session, team_id: str, review_id: int) -> Review | None:
    """A review by id, only within the workspace."""
    review = session.get(Review, review_id)
    return review if review is not None and review.team_id == team_id else None


def reviewed_units(*, session: Session, team_id: str, period: str) -> set[int]:
    """The units that have a review for a period (whatever its state)."""
    query = select(col(Review.unit_id)).where(
        col(Review.team_id) == team_id, col(Review.period) == period
    )
    return {int(unit_id) for unit_id in session.execute(query).scalars()}


def find_review_by_thread(
    *, session: Session, team_id: str, channel_id: str, thread_ts: str
) -> Review | None:
    """The review whose thread this is, if any."""
    query = sm_select(Review).where(
        Review.team_id == team_id, Review.channel_id == channel_id, Review.thread_ts == thread_ts
    )
    return session.exec(query).first()


def rating_key(person_id: int) -> str:
    """The response key of a person's rating: one per person and review."""
    return f"{RATING_PREFIX}{person_id}"


def reply_key(message_ts: str) -> str:
    """The response key of a thread reply: one per message."""
    return f"{REPLY_PREFIX}{message_ts}"


def save_response(
    *, session: Session, review: Review, key: str, values: dict[str, Any], now: datetime
) -> bool:
    """Insert a response, or update the one with this key (its ``created_at`` kept).

    True when the row was new. One statement (``ON CONFLICT (review_id, key) DO UPDATE``), so
    two submissions at once leave one row.
    """
    existing = _response_id(session, review, key)
    row = {"team_id": review.team_id, "review_id": review.id, "key": key, **values}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(ReviewResponse).values(created_at=now, **row)
    statement = statement.on_conflict_do_update(
        index_elements=["review_id", "key"], set_={**values, "updated_at": now}
    )
    session.execute(statement)
    return existing is None


def add_reply(
    *, session: Session, review: Review, key: str, values: dict[str, Any], now: datetime
) -> bool:
    """Record a thread reply once (a repeated key changes nothing); True when it was new."""
    row = {"team_id": review.team_id, "review_id": review.id, "key": key, **values}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(ReviewResponse)
        .values(created_at=now, **row)
        .on_conflict_do_nothing(index_elements=["review_id", "key"])
        .returning(col(ReviewResponse.id))
    )
    return session.execute(statement).first() is not None


def _response_id(session: Session, review: Review, key: str) -> int | None:
    query = select(col(ReviewResponse.id)).where(
        col(ReviewResponse.review_id) == review.id, col(ReviewResponse.key) == key
    )
    found = session.execute(query).scalar()
    return int(found) if found is not None else None


def responses_of(*, session: Session, team_id: str, review_id: int) -> list[ReviewResponse]:
    """Every rating and reply of a review, oldest first."""
    query = sm_select(ReviewResponse).where(
        ReviewResponse.team_id == team_id, ReviewResponse.review_id == review_id
    )
    return list(session.exec(query.order_by(col(ReviewResponse.id))))


def get_response(
    *, session: Session, team_id: str, review_id: int, key: str
) -> ReviewResponse | None:
    """One response of a review by its key."""
    query = sm_select(ReviewResponse).where(
        ReviewResponse.team_id == team_id,
        ReviewResponse.review_id == review_id,
        ReviewResponse.key == key,
    )
    return session.exec(query).first()


def owners_of_open_goals(
    *, session: Session, team_id: str, unit_id: int, periods: Collection[str]
) -> list[Person]:
    """The people owning an open (draft or active) goal of a unit in these periods, by id."""
    owners = (
        select(col(Goal.owner_id))
        .where(col(Goal.team_id) == team_id, col(Goal.unit_id) == unit_id)
        .where(col(Goal.period).in_(list(periods)))
        .where(col(Goal.status).in_([GoalStatus.DRAFT, GoalStatus.ACTIVE]))
    )
    query = sm_select(Person).where(Person.team_id == team_id, col(Person.id).in_(owners))
    return list(session.exec(query.order_by(col(Person.id))))


def goals_in_scope(
    *, session: Session, team_id: str, unit_id: int, periods: Collection[str], owner_id: int
) -> list[Goal]:
    """One owner's goals of a unit in these periods (any status but dropped), by number."""
    query = sm_select(Goal).where(
        Goal.team_id == team_id,
        Goal.unit_id == unit_id,
        Goal.owner_id == owner_id,
        col(Goal.period).in_(list(periods)),
        Goal.status != GoalStatus.DROPPED,
    )
    return list(session.exec(query.order_by(col(Goal.number))))


def carried_copies(*, session: Session, team_id: str, goal_ids: Sequence[int]) -> dict[int, Goal]:
    """The goals carried over from these goals, by the id of the goal each continues."""
    if not goal_ids:
        return {}
    query = sm_select(Goal).where(
        Goal.team_id == team_id, col(Goal.carried_from_id).in_(list(goal_ids))
    )
    return {goal.carried_from_id: goal for goal in session.exec(query) if goal.carried_from_id}


def reviews_with_units(*, session: Session, team_id: str, period: str) -> list[tuple[Review, Unit]]:
    """Every review of a period in the workspace with its unit, by unit name."""
    query = (
        sm_select(Review, Unit)
        .join(Unit, col(Unit.id) == col(Review.unit_id))
        .where(Review.team_id == team_id, Review.period == period)
        .order_by(col(Unit.name), col(Review.id))
    )
    return [(review, unit) for review, unit in session.exec(query)]

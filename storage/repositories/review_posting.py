"""Review threads as an outbox: rows planned once, claimed under a lease, posted once.

The unique (team, unit, period) key makes one review per unit and quarter: new rows go in with
``INSERT … ON CONFLICT DO NOTHING``, so any number of planners (ticks on every replica, a
``/goal review start``) create each row once. A claim is ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL (dropped on SQLite, where writers are serialised) and every later write is fenced
by ``(status='sending', attempts=attempt)``, as in ``storage.repositories.outbox``.
Nothing here commits; the caller's unit of work does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Table, and_, or_, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from storage.models import DeliveryStatus, Review
from storage.repositories.leasing import lease_rows

REVIEW = cast(Table, Review.__table__)  # type: ignore[attr-defined]
UNIQUE_KEY = ["team_id", "unit_id", "period"]


@dataclass(frozen=True)
class NewReview:
    """A review row to create once; without a channel it is recorded as failed."""

    team_id: str
    unit_id: int
    period: str
    channel_id: str | None
    started_by_id: int | None = None
    scorecard: dict[str, Any] = field(default_factory=dict)  # taken when the review opens
    diagnosis: str = ""


@dataclass(frozen=True)
class ClaimedReview:
    """A review this poster holds until ``lease_until``; ``attempt`` fences later writes."""

    id: int
    team_id: str
    unit_id: int
    period: str
    channel_id: str
    started_at: datetime
    attempt: int
    lease_until: datetime
    recovering: bool  # an earlier claim may have posted it: look in the channel first
    scorecard: dict[str, Any]


NO_CHANNEL = "no review channel"


def insert_reviews(*, session: Session, rows: Sequence[NewReview], now: datetime) -> list[int]:
    """Insert review rows, skipping (team, unit, period) keys that exist; the new rows' ids."""
    if not rows:
        return []
    values = [_values(row, now) for row in rows]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(REVIEW)
        .on_conflict_do_nothing(index_elements=UNIQUE_KEY)
        .returning(REVIEW.c.id)
    )
    return [int(new) for new in session.execute(statement, values).scalars()]


def _values(row: NewReview, now: datetime) -> dict[str, Any]:
    failed = row.channel_id is None
    return {
        "team_id": row.team_id,
        "unit_id": row.unit_id,
        "period": row.period,
        "channel_id": row.channel_id,
        "scorecard": row.scorecard,
        "diagnosis": row.diagnosis[:500],
        "started_by_id": row.started_by_id,
        "started_at": now,
        "status": DeliveryStatus.FAILED if failed else DeliveryStatus.PENDING,
        "attempts": 0,
        "error": NO_CHANNEL if failed else None,
    }


def rearm_failed(
    *, session: Session, team_id: str, period: str, channels: dict[int, str | None]
) -> int:
    """Make failed reviews of these units pending again in their channel (when they have one),
    their scorecard dropped so that it is taken anew when posted."""
    c, rearmed = REVIEW.c, 0
    for unit_id, channel in sorted(channels.items()):
        if channel is None:
            continue
        statement = (
            update(REVIEW)
            .where(c.team_id == team_id, c.unit_id == unit_id, c.period == period)
            .where(c.status == DeliveryStatus.FAILED)
            .values(status=DeliveryStatus.PENDING, channel_id=channel, error=None, lease_until=None)
            .values(scorecard={}, diagnosis="")  # taken again when it is posted
        )
        rearmed += _count(session, statement)
    return rearmed


def claim_reviews(
    *, session: Session, now: datetime, lease: timedelta, limit: int, team_id: str | None = None
) -> list[ClaimedReview]:
    """Claim up to ``limit`` reviews to post: expired leases first (to recover), then pending."""
    c = REVIEW.c
    scope = c.team_id == team_id if team_id is not None else true()
    expired = and_(scope, c.status == DeliveryStatus.SENDING, c.lease_until <= now)
    ready = or_(c.lease_until.is_(None), c.lease_until <= now)
    pending = and_(scope, c.status == DeliveryStatus.PENDING, ready)
    until = now + lease
    found = _claim(session, expired, until, limit, recovering=True)
    return found + _claim(session, pending, until, limit - len(found), recovering=False)


def _claim(
    session: Session, where: ColumnElement[bool], until: datetime, limit: int, *, recovering: bool
) -> list[ClaimedReview]:
    c = REVIEW.c
    rows = lease_rows(
        session,
        REVIEW,
        where,
        until=until,
        limit=limit,
        order_by=(c.id,),
        returning=(
            c.id,
            c.team_id,
            c.unit_id,
            c.period,
            c.channel_id,
            c.started_at,
            c.attempts.label("attempt"),
            c.scorecard,
        ),
    )
    claimed = [
        ClaimedReview(
            **{**row, "scorecard": dict(row["scorecard"] or {})},
            lease_until=until,
            recovering=recovering,
        )
        for row in rows
    ]
    return sorted(claimed, key=lambda review: review.id)


def _finish(session: Session, claim: ClaimedReview, **values: Any) -> bool:
    """Write a claimed review's outcome; False when this claim no longer holds it."""
    c = REVIEW.c
    held = and_(c.id == claim.id, c.attempts == claim.attempt, c.status == DeliveryStatus.SENDING)
    return _count(session, update(REVIEW).where(held).values(**values)) == 1


def store_scorecard(
    *, session: Session, claim: ClaimedReview, scorecard: dict[str, Any], diagnosis: str
) -> bool:
    """Keep the scorecard about to be posted, so every later attempt posts the same one."""
    return _finish(session, claim, scorecard=scorecard, diagnosis=diagnosis[:500])


def mark_posted(
    *, session: Session, claim: ClaimedReview, channel_id: str, thread_ts: str, at: datetime
) -> bool:
    """Record the posted thread."""
    return _finish(
        session,
        claim,
        status=DeliveryStatus.SENT,
        channel_id=channel_id,
        thread_ts=thread_ts,
        posted_at=at,
        lease_until=None,
        error=None,
    )


def mark_failed(*, session: Session, claim: ClaimedReview, error: str) -> bool:
    """Give up on a review (Slack refused it for good); ``/goal review start`` re-arms it."""
    values = {"status": DeliveryStatus.FAILED, "lease_until": None, "error": error[:500]}
    return _finish(session, claim, **values)


def release(
    *, session: Session, claim: ClaimedReview, retry_at: datetime, error: str | None
) -> bool:
    """Back to pending, claimable again from ``retry_at`` (nothing was posted)."""
    values = {"status": DeliveryStatus.PENDING, "lease_until": retry_at, "error": error}
    return _finish(session, claim, **values)


def hold_unsure(*, session: Session, claim: ClaimedReview, check_at: datetime, error: str) -> bool:
    """Keep a review whose post may have reached Slack in ``sending``, to look for it later."""
    return _finish(session, claim, lease_until=check_at, error=error[:500])


def _count(session: Session, statement: Any) -> int:
    return int(cast(CursorResult[Any], session.execute(statement)).rowcount or 0)

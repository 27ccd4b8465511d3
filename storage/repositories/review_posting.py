"""Review threads as an outbox: rows planned once, claimed under a lease, posted once.

The unique (team, unit, period) key makes one review per unit and quarter: new rows go in with
``INSERT … ON CONFLICT DO NOTHING``, so any number of planners (ticks on every replica, a
``/goal review start``) create each row once. Claiming and the writes after a claim go through
``storage.repositories.leases``, like every outbox.
Nothing here commits; the caller's unit of work does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.models import DeliveryStatus, Review
from storage.repositories import leases

REVIEW = leases.table_of(Review)
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


@dataclass(frozen=True, kw_only=True)
class ClaimedReview(leases.Claimed):
    """A review this poster holds; due from when it was opened (``due_at``: its ``started_at``)."""

    unit_id: int
    period: str
    channel_id: str
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
        rearmed += leases.count(session, statement)
    return rearmed


CLAIMS = leases.OutboxTable(
    REVIEW,
    order_by=(REVIEW.c.id,),
    returning=[
        *(REVIEW.c[name] for name in ("id", "team_id", "unit_id", "period", "channel_id")),
        REVIEW.c.started_at.label("due_at"),
        REVIEW.c.attempts.label("attempt"),
        REVIEW.c.scorecard,
    ],
    due=False,
)


def claim_reviews(
    *, session: Session, now: datetime, lease: timedelta, limit: int, team_id: str | None = None
) -> list[ClaimedReview]:
    """Claim up to ``limit`` reviews to post: expired leases first (to recover), then pending."""
    leased = leases.claim_rows(session, CLAIMS, now=now, lease=lease, limit=limit, team_id=team_id)
    claimed = [
        ClaimedReview(
            **{**found.row, "scorecard": dict(found.row["scorecard"] or {})},
            lease_until=now + lease,
            recovering=found.recovering,
        )
        for found in leased
    ]
    return sorted(claimed, key=lambda review: review.id)


def _finish(session: Session, claim: ClaimedReview, **values: Any) -> bool:
    return leases.finish(session, REVIEW, claim, **values)


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

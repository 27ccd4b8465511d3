"""The digest outbox: one ``digest`` row per subscription and week, claimed under a lease.

Rows are inserted once (``ON CONFLICT DO NOTHING`` on ``(subscription_id, week_key)``); claiming
and the writes after a claim go through ``storage.repositories.leases``, like every outbox.
Nothing here commits; the caller's unit of work does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.models import DeliveryStatus, Digest, DigestSubscription, Workspace
from storage.repositories import leases

DIGEST, SUBSCRIPTION, WORKSPACE = (
    leases.table_of(m) for m in (Digest, DigestSubscription, Workspace)
)

POSTING = "posting"
"""The ``error`` of a claimed row whose main message is being posted: a row found in
``sending`` with it may have reached Slack, so it is never posted again."""


@dataclass(frozen=True)
class PlannedSubscription:
    """A digest subscription with its workspace's digest settings and its latest planned week."""

    id: int
    team_id: str
    created_at: datetime
    timezone: str
    digest_weekday: int
    digest_time: str
    last_due_at: datetime | None


@dataclass(frozen=True)
class NewDigest:
    """A digest row to insert once: pending (to post) or skipped (recorded, never posted)."""

    team_id: str
    subscription_id: int
    week_key: str
    due_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class ClaimedDigest(leases.Claimed):
    """A digest row this sender holds, with its subscription's channel and scope."""

    subscription_id: int
    channel_id: str
    unit_id: int | None
    week_key: str
    message_ts: str | None  # the main message, when an earlier claim recorded it
    error: str | None


def planned_subscriptions(
    *, session: Session, team_id: str | None = None
) -> list[PlannedSubscription]:
    """Every subscription (of one workspace, or all) with its settings and latest due week."""
    s, w, d = SUBSCRIPTION.c, WORKSPACE.c, DIGEST.c
    latest = (
        select(d.subscription_id, func.max(d.due_at).label("last_due_at"))
        .group_by(d.subscription_id)
        .subquery()
    )
    query = (
        select(s.id, s.team_id, s.created_at, w.timezone, w.digest_weekday, w.digest_time)
        .add_columns(latest.c.last_due_at)
        .select_from(
            SUBSCRIPTION.join(WORKSPACE, w.id == s.team_id).outerjoin(
                latest, latest.c.subscription_id == s.id
            )
        )
        .where(leases.in_team(SUBSCRIPTION, team_id))
        .order_by(s.id)
    )
    return [PlannedSubscription(*row) for row in session.execute(query)]


def insert_digests(
    *, session: Session, rows: Sequence[NewDigest], now: datetime
) -> Counter[DeliveryStatus]:
    """Insert digest rows, skipping weeks already planned; how many were new, by status."""
    if not rows:
        return Counter()
    values = [
        {
            "team_id": row.team_id,
            "subscription_id": row.subscription_id,
            "week_key": row.week_key,
            "due_at": row.due_at,
            "status": row.status,
            "error": row.note,
            "attempts": 0,
            "created_at": now,
        }
        for row in sorted(rows, key=lambda row: (row.subscription_id, row.week_key))
    ]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(DIGEST)
        .on_conflict_do_nothing(index_elements=["subscription_id", "week_key"])
        .returning(DIGEST.c.status)
    )
    found = Counter[DeliveryStatus]()
    for value in values:  # a handful of rows per tick; one statement each keeps RETURNING simple
        found.update(
            DeliveryStatus(status) for status in session.execute(statement, value).scalars()
        )
    return found


CLAIMS = leases.OutboxTable(
    DIGEST,
    order_by=(DIGEST.c.due_at, DIGEST.c.id),
    returning=(DIGEST.c.id, DIGEST.c.attempts, DIGEST.c.error),
)


def claim_due_digests(
    *, session: Session, now: datetime, lease: timedelta, limit: int, team_id: str | None = None
) -> list[ClaimedDigest]:
    """Claim up to `limit` digests to post: expired leases first (to recover), then due ones."""
    leased = leases.claim_rows(session, CLAIMS, now=now, lease=lease, limit=limit, team_id=team_id)
    held = {found.row["id"]: (found.row["attempts"], found.row["error"]) for found in leased}
    return _describe(session, held, now + lease)


def _describe(
    session: Session, held: dict[int, tuple[int, str | None]], until: datetime
) -> list[ClaimedDigest]:
    """The claimed rows with their subscription's channel and scope."""
    if not held:
        return []
    d, s = DIGEST.c, SUBSCRIPTION.c
    query = (
        select(d.id, d.team_id, d.subscription_id, s.channel_id, s.unit_id, d.week_key, d.due_at)
        .add_columns(d.message_ts)
        .select_from(DIGEST.join(SUBSCRIPTION, s.id == d.subscription_id))
        .where(d.id.in_(list(held)))
        .order_by(d.due_at, d.id)
    )
    claimed = []
    for row in session.execute(query).mappings():
        attempt, error = held[row["id"]]
        recovering = attempt > 1 and (error == POSTING or row["message_ts"] is not None)
        claimed.append(
            ClaimedDigest(
                **row, attempt=attempt, lease_until=until, recovering=recovering, error=error
            )
        )
    return claimed


def _finish(session: Session, claim: ClaimedDigest, **values: Any) -> bool:
    return leases.finish(session, DIGEST, claim, **values)


def mark_posting(*, session: Session, claim: ClaimedDigest) -> bool:
    """Note that the main message is about to be posted (see ``POSTING``)."""
    return _finish(session, claim, error=POSTING)


def record_posted(*, session: Session, claim: ClaimedDigest, message_ts: str) -> bool:
    """Keep the main message's ts as soon as Slack gives it: it is never posted again."""
    return _finish(session, claim, message_ts=message_ts, error=None)


def mark_sent(
    *, session: Session, claim: ClaimedDigest, sent_at: datetime, note: str | None = None
) -> bool:
    """The digest is in the channel (`note`: what went wrong in its thread, if anything)."""
    status = DeliveryStatus.SENT
    error = note[:500] if note else None
    return _finish(session, claim, status=status, sent_at=sent_at, lease_until=None, error=error)

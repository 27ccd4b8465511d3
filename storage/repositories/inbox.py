"""The inbox: each request Slack sent, stored before its ack, claimed by workers, then done.

One row per request (``request_key``: the SHA-256 of its payload, so a replay or a retried
event is the same row). The serving process stores a row already leased to itself when it
works in-process, or ``pending`` for separate workers. Claiming and finishing go through
``storage.repositories.leases`` like every outbox: expired leases first (a worker died), then
pending rows, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL. ``applied_at`` fences the work's
database effects (``mark_applied``, in the same transaction as them). Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.models import DeliveryStatus, InboxRequest
from storage.repositories import leases

INBOX = leases.table_of(InboxRequest)
CLAIMS = leases.OutboxTable(
    INBOX,
    order_by=(INBOX.c.due_at, INBOX.c.id),
    returning=[
        *(INBOX.c[name] for name in ("id", "team_id", "kind", "body", "due_at")),
        INBOX.c.attempts.label("attempt"),
        INBOX.c.applied_at,
    ],
)
LIVE = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


@dataclass(frozen=True, kw_only=True)
class ClaimedRequest(leases.Claimed):
    """A stored request this worker holds: its kind and payload, and whether its database
    effects were already applied by an earlier attempt."""

    kind: str
    body: dict[str, Any]
    applied_at: datetime | None


@dataclass(frozen=True)
class Parked:
    """A request given up on, with why."""

    id: int
    team_id: str
    kind: str
    due_at: datetime
    attempts: int
    error: str | None


@dataclass(frozen=True)
class Backlog:
    """Requests waiting or being worked on, the oldest one's arrival, and the parked ones."""

    waiting: int
    working: int
    oldest: datetime | None
    parked: list[Parked]


def store(
    *,
    session: Session,
    team_id: str,
    kind: str,
    request_key: str,
    body: dict[str, Any],
    now: datetime,
    lease: timedelta | None,
) -> int | None:
    """Store a request; its id, or None when a request with this key is stored already.

    With `lease`, the row is this process's at once (``sending``, attempt 1), as the
    in-process worker takes it; without, it waits ``pending`` for any worker."""
    values = {
        "team_id": team_id[:32],
        "kind": kind,
        "request_key": request_key,
        "body": body,
        "status": DeliveryStatus.SENDING if lease else DeliveryStatus.PENDING,
        "due_at": now,
        "lease_until": now + lease if lease else None,
        "attempts": 1 if lease else 0,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(INBOX)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["request_key"])
        .returning(INBOX.c.id)
    )
    found = session.execute(statement).scalar_one_or_none()
    return int(found) if found is not None else None


def claim(*, session: Session, now: datetime, lease: timedelta, limit: int) -> list[ClaimedRequest]:
    """Claim up to `limit` requests: expired leases first (their worker died), then pending."""
    leased = leases.claim_rows(session, CLAIMS, now=now, lease=lease, limit=limit, team_id=None)
    until = now + lease
    return [
        ClaimedRequest(
            **{**found.row, "body": dict(found.row["body"] or {})},
            lease_until=until,
            recovering=found.recovering,
        )
        for found in leased
    ]


def mark_applied(*, session: Session, row_id: int, now: datetime) -> bool:
    """Note that the request's database effects are in this transaction; False when an earlier
    attempt applied them already (the caller must roll back, not apply them twice)."""
    c = INBOX.c
    statement = (
        update(INBOX)
        .where(c.id == row_id, c.applied_at.is_(None), c.status.in_(LIVE))
        .values(applied_at=now)
    )
    return leases.count(session, statement) == 1


def relet(*, session: Session, claim: leases.Fenced, until: datetime) -> bool:
    """Hold a claimed request until `until` as its work starts; False when another claim has
    it now."""
    return leases.finish(session, INBOX, claim, lease_until=until)


RENEW_CHUNK = 500


def renew(*, session: Session, claims: Sequence[leases.Fenced], until: datetime) -> set[int]:
    """Extend the leases of requests a worker still holds to `until` (each fenced by its claim's
    attempt, like every write after a claim); the ids of the rows renewed."""
    c = INBOX.c
    kept: set[int] = set()
    for start in range(0, len(claims), RENEW_CHUNK):
        chunk = claims[start : start + RENEW_CHUNK]
        statement = (
            update(INBOX)
            .where(
                tuple_(c.id, c.attempts).in_([(claim.id, claim.attempt) for claim in chunk]),
                c.status == DeliveryStatus.SENDING,
            )
            .values(lease_until=until)
            .returning(c.id)
        )
        kept.update(int(row_id) for row_id in session.execute(statement).scalars())
    return kept


def mark_done(*, session: Session, claim: leases.Fenced, now: datetime) -> bool:
    """The request's work is finished (fenced by the claim's attempt)."""
    return leases.finish(
        session,
        INBOX,
        claim,
        status=DeliveryStatus.DONE,
        done_at=now,
        lease_until=None,
        error=None,
    )


def prune(*, session: Session, done_before: datetime) -> int:
    """Delete requests done before `done_before`; how many."""
    c = INBOX.c
    done = and_(c.status == DeliveryStatus.DONE, c.done_at < done_before)
    return leases.count(session, delete(INBOX).where(done))


def backlog(*, session: Session, parked_limit: int = 20) -> Backlog:
    """How many requests wait or are worked on, the oldest's arrival, the latest parked."""
    c = INBOX.c
    counts = dict(
        session.execute(
            select(c.status, func.count()).where(c.status.in_(LIVE)).group_by(c.status)
        ).all()
    )
    oldest = session.execute(select(func.min(c.due_at)).where(c.status.in_(LIVE))).scalar()
    parked = [
        Parked(*row)
        for row in session.execute(
            select(c.id, c.team_id, c.kind, c.due_at, c.attempts, c.error)
            .where(c.status == DeliveryStatus.FAILED)
            .order_by(c.id.desc())
            .limit(parked_limit)
        )
    ]
    return Backlog(
        waiting=int(counts.get(DeliveryStatus.PENDING, 0)),
        working=int(counts.get(DeliveryStatus.SENDING, 0)),
        oldest=oldest,
        parked=parked,
    )

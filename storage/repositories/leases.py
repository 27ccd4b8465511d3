"""Leasing and finishing the rows of every outbox: check-in DMs, digests, review threads.

Every table posted exactly once has ``status``, ``lease_until``, ``attempts`` and ``error``.
A sender claims the rows it will post: expired leases first (their outcome is in doubt, so they
are recovered), then due pending rows. ``FOR UPDATE SKIP LOCKED`` on PostgreSQL lets replicas
claim different rows at once (SQLite serialises writers anyway), and the lease lets a crashed
sender's rows be recovered when it runs out. Every write after a claim is fenced by
``(status='sending', attempts=attempt)``: a sender that lost its lease cannot overwrite the row.
Nothing here commits; the caller's unit of work does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    RowMapping,
    Table,
    and_,
    false,
    func,
    or_,
    select,
    true,
    update,
)
from sqlmodel import Session, SQLModel

from storage.models import DeliveryStatus

ERROR_LENGTH = 500


class Fenced(Protocol):
    """What fences a write: the row, its workspace and the claim's attempt number."""

    @property
    def id(self) -> int: ...

    @property
    def team_id(self) -> str: ...

    @property
    def attempt(self) -> int: ...


@dataclass(frozen=True, kw_only=True)
class Claimed:
    """A row this sender holds until `lease_until`; `attempt` fences every later write."""

    id: int
    team_id: str
    due_at: datetime
    attempt: int
    lease_until: datetime
    recovering: bool  # an earlier claim ran out of lease: it may have posted


@dataclass(frozen=True)
class OutboxTable:
    """An outbox table, the order its rows are claimed in, and what a claim reads of each row."""

    table: Table
    order_by: Sequence[Any]
    returning: Sequence[Any]
    due: bool = True  # pending rows wait for their ``due_at`` (else: claimable at once)


@dataclass(frozen=True)
class Leased:
    """One claimed row's `returning` columns, and whether its earlier claim ran out of lease."""

    row: RowMapping
    recovering: bool


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a SQLModel class."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def in_team(table: Table, team_id: str | None) -> ColumnElement[bool]:
    """Rows of one workspace, or of every workspace when `team_id` is None (the tick)."""
    return table.c.team_id == team_id if team_id is not None else true()


def claim_rows(
    session: Session,
    outbox: OutboxTable,
    *,
    now: datetime,
    lease: timedelta,
    limit: int,
    team_id: str | None,
) -> list[Leased]:
    """Claim up to `limit` rows: expired leases first (to recover), then pending ones that are
    ready (and due, when the outbox waits for ``due_at``)."""
    table, c = outbox.table, outbox.table.c
    scope = in_team(table, team_id)
    expired = and_(scope, c.status == DeliveryStatus.SENDING, c.lease_until <= now)
    ready = or_(c.lease_until.is_(None), c.lease_until <= now)
    pending = and_(scope, c.status == DeliveryStatus.PENDING, ready)
    if outbox.due:
        pending = and_(pending, c.due_at <= now)
    until = now + lease

    def take(where: ColumnElement[bool], limit: int) -> list[RowMapping]:
        return lease_rows(
            session,
            table,
            where,
            until=until,
            limit=limit,
            order_by=outbox.order_by,
            returning=outbox.returning,
        )

    found = [Leased(row, True) for row in take(expired, limit)]
    found += [Leased(row, False) for row in take(pending, limit - len(found))]
    return found


def lease_rows(
    session: Session,
    table: Table,
    where: ColumnElement[bool],
    *,
    until: datetime,
    limit: int,
    order_by: Sequence[Any],
    returning: Sequence[Any],
) -> list[RowMapping]:
    """Lease the first `limit` rows of `table` matching `where` (status ``sending``, lease
    ``until``, one more attempt), skipping rows another replica holds; the `returning`
    columns of each, as mappings."""
    if limit <= 0:
        return []
    c = table.c
    picked = (  # materialised once: re-running a LIMIT … SKIP LOCKED subquery can pick more
        select(c.id)
        .where(where)
        .order_by(*order_by)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("picked")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    statement = (
        update(table)
        .where(c.id.in_(select(picked.c.id)), where)
        .values(status=DeliveryStatus.SENDING, lease_until=until, attempts=c.attempts + 1)
        .returning(*returning)
    )
    return list(session.execute(statement).mappings())


def count(session: Session, statement: Any, params: Any = None) -> int:
    """How many rows a write statement touched."""
    return int(cast(CursorResult[Any], session.execute(statement, params)).rowcount or 0)


def finish(
    session: Session,
    table: Table,
    claim: Fenced,
    *,
    also: ColumnElement[bool] | None = None,
    **values: Any,
) -> bool:
    """Write a claimed row's next state; False when this claim no longer holds the row.

    `also` admits rows in another state too (a check-in its owner answered before it was
    recorded as sent)."""
    c = table.c
    held = or_(c.status == DeliveryStatus.SENDING, also if also is not None else false())
    where = and_(c.team_id == claim.team_id, c.id == claim.id, c.attempts == claim.attempt, held)
    return count(session, update(table).where(where).values(**values)) == 1


def mark_failed(*, session: Session, table: Table, claim: Fenced, error: str) -> bool:
    """Give up on a row without delivering it, keeping the reason."""
    return _close(session, table, claim, DeliveryStatus.FAILED, error)


def mark_skipped(*, session: Session, table: Table, claim: Fenced, reason: str) -> bool:
    """Record a claimed row as deliberately not sent (too late, nothing to say)."""
    return _close(session, table, claim, DeliveryStatus.SKIPPED, reason)


def _close(session: Session, table: Table, claim: Fenced, status: DeliveryStatus, why: str) -> bool:
    return finish(session, table, claim, status=status, lease_until=None, error=why[:ERROR_LENGTH])


def release(
    *,
    session: Session,
    table: Table,
    claim: Fenced,
    retry_at: datetime,
    count_attempt: bool,
    error: str | None = None,
) -> bool:
    """Return a row known not to be posted to pending, claimable again from `retry_at`
    (`count_attempt`: whether this claim counts against the row's attempts)."""
    attempts = table.c.attempts if count_attempt else table.c.attempts - 1
    return finish(
        session,
        table,
        claim,
        status=DeliveryStatus.PENDING,
        lease_until=retry_at,
        attempts=attempts,
        error=error[:ERROR_LENGTH] if error else None,
    )


def hold_unsure(
    *, session: Session, table: Table, claim: Fenced, check_at: datetime, error: str
) -> bool:
    """Keep a row whose post may have reached Slack in `sending`, to be checked from `check_at`."""
    return finish(session, table, claim, lease_until=check_at, error=error[:ERROR_LENGTH])


@dataclass(frozen=True)
class OutboxState:
    """An outbox at a glance: rows due and waiting, rows claimed now, rows failed for good."""

    table: str
    due: int
    leased: int
    failed: int


def state_of(session: Session, outbox: OutboxTable, now: datetime) -> OutboxState:
    """How many of an outbox's rows are due, leased and failed."""
    c = outbox.table.c
    due = and_(
        c.status == DeliveryStatus.PENDING, or_(c.lease_until.is_(None), c.lease_until <= now)
    )
    if outbox.due:
        due = and_(due, c.due_at <= now)
    counts = session.execute(
        select(
            func.count().filter(due),
            func.count().filter(c.status == DeliveryStatus.SENDING),
            func.count().filter(c.status == DeliveryStatus.FAILED),
        ).select_from(outbox.table)
    ).one()
    return OutboxState(outbox.table.name, *(int(n) for n in counts))

"""How much waits in each outbox (and the inbox): rows due and not yet handled (``pending``,
or ``sending`` under a claim), and how long the oldest of them has waited. Read by
``/metrics`` at scrape time.

Every table follows the outbox pattern (``storage.repositories.leases``): a ``status``
column and the instant a row became due (``due_at``; a review's ``started_at``). Tables are
named, not imported, so a table that a migration has not created yet (or a name this module
has never heard of that follows the pattern) simply counts 0 until it exists. Each count uses
the table's ``(status, due_at)`` index. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, String, column, func, inspect, select, table
from sqlmodel.sql.sqltypes import UTCDateTime

from storage.models import DeliveryStatus

LIVE = (DeliveryStatus.PENDING.value, DeliveryStatus.SENDING.value)
"""Not handled yet: waiting for a claim, or claimed and in flight (or in doubt)."""
SINCE_COLUMNS = {"review": "started_at"}
"""The column holding when a row became due, for tables that do not call it ``due_at``."""


@dataclass(frozen=True)
class Backlog:
    """One table's rows not yet handled: how many, and since when the oldest (None: none)."""

    table: str
    depth: int
    oldest: datetime | None

    def oldest_age(self, now: datetime) -> float:
        """Seconds the oldest waiting row has waited (0 when none waits)."""
        return max(0.0, (now - self.oldest).total_seconds()) if self.oldest else 0.0


def backlogs(*, connection: Connection, tables: list[str], now: datetime) -> list[Backlog]:
    """Each table's rows due at `now` and not yet handled (in `tables`' order); a table that
    does not exist yet has none."""
    existing = set(inspect(connection).get_table_names())
    return [
        _backlog(connection, name, now) if name in existing else Backlog(name, 0, None)
        for name in tables
    ]


def _backlog(connection: Connection, name: str, now: datetime) -> Backlog:
    since = column(SINCE_COLUMNS.get(name, "due_at"), UTCDateTime())
    status = column("status", String())
    query = (
        select(func.count(), func.min(since))
        .select_from(table(name, status, since))
        .where(status.in_(LIVE), since <= now)
    )
    depth, oldest = connection.execute(query).one()
    return Backlog(name, int(depth or 0), _aware(oldest))


def _aware(value: datetime | None) -> datetime | None:
    """An instant as UTC (databases without time zones give it back naive)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)

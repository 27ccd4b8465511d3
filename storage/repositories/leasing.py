"""Leasing outbox-style rows (check-ins, digests, reviews) to one sender at a time.

Every table posted exactly once has ``status``, ``lease_until`` and ``attempts``. A sender
leases the rows it will post: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL lets replicas claim
different rows at once (SQLite serialises writers anyway), and the lease lets a crashed
sender's rows be recovered when it runs out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, Table, select, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from storage.models import DeliveryStatus


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

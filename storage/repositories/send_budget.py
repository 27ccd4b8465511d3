"""The shared send budget: one token bucket row per budget, taken with one atomic UPDATE.

The bucket is kept as its theoretical arrival time (GCRA, ``storage.models.SendBudget``): a
post may go out at ``now`` when ``tat <= now + tolerance`` (``tolerance``: the burst, as
seconds of the rate), and taking it moves ``tat`` to ``max(tat, now) + interval``. The
condition sits in the ``UPDATE``'s ``WHERE``, so two processes can never take the same slot:
PostgreSQL re-checks it on the row after waiting for the other's lock (READ COMMITTED), and
SQLite runs one writer at a time. Nothing here commits; the caller's unit of work does.
"""

from __future__ import annotations

from sqlalchemy import case, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from storage.models import SendBudget


def ensure_budget(*, session: Session, key: str) -> None:
    """Create the budget's row (full bucket) unless it exists; safe to race."""
    dialect = session.get_bind().dialect.name
    values = {"key": key, "tat": 0.0}
    if dialect == "postgresql":
        session.execute(pg_insert(SendBudget).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite_insert(SendBudget).values(values).on_conflict_do_nothing())
    elif session.get(SendBudget, key) is None:
        session.add(SendBudget(key=key, tat=0.0))
        session.flush()


def take_slot(
    *, session: Session, key: str, now: float, interval: float, tolerance: float
) -> float | None:
    """Take the next post's slot if it is due at `now`: the new ``tat``, else None (the
    bucket is empty or paused, or there is no such budget)."""
    later = case((col(SendBudget.tat) > now, col(SendBudget.tat)), else_=literal(now)) + interval
    statement = (
        update(SendBudget)
        .where(col(SendBudget.key) == key, col(SendBudget.tat) <= now + tolerance)
        .values(tat=later)
        .returning(col(SendBudget.tat))
        .execution_options(synchronize_session=False)
    )
    taken = session.execute(statement).scalar_one_or_none()
    return None if taken is None else float(taken)


def budget_tat(*, session: Session, key: str) -> float | None:
    """The budget's theoretical arrival time (None: no such budget)."""
    found = session.execute(
        select(col(SendBudget.tat)).where(col(SendBudget.key) == key)
    ).scalar_one_or_none()
    return None if found is None else float(found)


def hold_until(*, session: Session, key: str, tat: float) -> None:
    """Push the budget's ``tat`` to at least `tat` (a pause: nothing is due before it)."""
    later = case((col(SendBudget.tat) > tat, col(SendBudget.tat)), else_=literal(tat))
    statement = update(SendBudget).where(col(SendBudget.key) == key).values(tat=later)
    session.execute(statement.execution_options(synchronize_session=False))

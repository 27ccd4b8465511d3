"""Progress updates: immutable records, and the latest one per goal in one query."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func
from sqlalchemy.dialects.postgresql import distinct_on
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.models import GoalUpdate, Health, UpdateSource

# Keep each IN (...) list well under SQLite's bound-parameter limit.
BATCH_SIZE = 5000


@dataclass(frozen=True)
class NewUpdate:
    """What an update records; ``created_at`` and ``team_id`` come from the caller."""

    goal_id: int
    source: UpdateSource
    value: float | None = None
    health: Health | None = None
    confidence: int | None = None
    note: str = ""
    blocker: bool = False
    no_change: bool = False
    author_id: int | None = None
    delivery_id: int | None = None
    dedup_key: str | None = None


def add_update(
    *, session: Session, team_id: str, update: NewUpdate, created_at: datetime
) -> GoalUpdate:
    """Add an immutable progress update and flush it so it has an id."""
    row = GoalUpdate(team_id=team_id, created_at=created_at, **vars(update))
    session.add(row)
    session.flush()
    return row


def get_update_by_dedup_key(*, session: Session, team_id: str, dedup_key: str) -> GoalUpdate | None:
    """The update already recorded under a dedup key, if any."""
    query = select(GoalUpdate).where(
        GoalUpdate.team_id == team_id, GoalUpdate.dedup_key == dedup_key
    )
    return session.exec(query).first()


def recent_updates(
    *, session: Session, team_id: str, goal_id: int, limit: int = 5
) -> list[GoalUpdate]:
    """A goal's most recent updates, newest first."""
    query = (
        select(GoalUpdate)
        .where(GoalUpdate.team_id == team_id, GoalUpdate.goal_id == goal_id)
        .order_by(col(GoalUpdate.created_at).desc(), col(GoalUpdate.id).desc())
        .limit(limit)
    )
    return list(session.exec(query))


def latest_updates(
    *, session: Session, team_id: str, goal_ids: Collection[int]
) -> dict[int, GoalUpdate]:
    """Each goal's latest update (latest ``created_at``, then highest id) in one query per batch.

    PostgreSQL uses ``DISTINCT ON``; other backends join to ``max(created_at)`` per goal and
    break ties with ``max(id)``. Both walk the ``ix_goal_update_latest`` index.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    latest: dict[int, GoalUpdate] = {}
    for batch in _batches(sorted(set(goal_ids))):
        query = _distinct_on(team_id, batch) if postgres else _max_join(team_id, batch)
        latest.update((row.goal_id, row) for row in session.exec(query))
    return latest


def _distinct_on(team_id: str, goal_ids: Sequence[int]) -> SelectOfScalar[GoalUpdate]:
    goal_id = col(GoalUpdate.goal_id)
    return (
        select(GoalUpdate)
        .ext(distinct_on(goal_id))
        .where(GoalUpdate.team_id == team_id, goal_id.in_(goal_ids))
        .order_by(goal_id, col(GoalUpdate.created_at).desc(), col(GoalUpdate.id).desc())
    )


def _max_join(team_id: str, goal_ids: Sequence[int]) -> SelectOfScalar[GoalUpdate]:
    goal_id, created_at = col(GoalUpdate.goal_id), col(GoalUpdate.created_at)
    newest = (
        select(goal_id, func.max(created_at).label("at"))
        .where(GoalUpdate.team_id == team_id, goal_id.in_(goal_ids))
        .group_by(goal_id)
        .subquery()
    )
    winner = (
        select(func.max(col(GoalUpdate.id)))
        .join(newest, and_(goal_id == newest.c.goal_id, created_at == newest.c.at))
        .group_by(goal_id)
    )
    return select(GoalUpdate).where(col(GoalUpdate.id).in_(winner))


def _batches(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]

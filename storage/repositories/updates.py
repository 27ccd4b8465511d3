"""Progress updates: immutable records, and the latest one per goal in one query."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select
from sqlmodel import Session, col, select

from storage.models import Goal, GoalUpdate, Health, UpdateSource

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

    For each goal, one probe of the ``ix_goal_update_latest`` index (goal_id, created_at, id)
    finds its newest update (a correlated ``ORDER BY … LIMIT 1``), on SQLite and PostgreSQL
    alike: it reads one index entry per goal however many updates the goals have. The team is
    checked on the goals: a ``goal_update.team_id`` filter lets SQLite (which has no
    statistics) pick the (team_id, dedup_key) unique index and read every update instead.
    """
    latest: dict[int, GoalUpdate] = {}
    for batch in _batches(sorted(set(goal_ids))):
        query = select(GoalUpdate).where(col(GoalUpdate.id).in_(_newest_ids(team_id, batch)))
        latest.update((row.goal_id, row) for row in session.exec(query))
    return latest


def _newest_ids(team_id: str, goal_ids: Sequence[int]) -> Select[tuple[int | None]]:
    """The id of each goal's newest update (goals without one give NULL and match nothing)."""
    newest = (
        select(col(GoalUpdate.id))
        .where(col(GoalUpdate.goal_id) == col(Goal.id))
        .order_by(col(GoalUpdate.created_at).desc(), col(GoalUpdate.id).desc())
        .limit(1)
        .correlate(Goal)
        .scalar_subquery()
    )
    return select(newest).where(col(Goal.id).in_(goal_ids), Goal.team_id == team_id)


def _batches(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]

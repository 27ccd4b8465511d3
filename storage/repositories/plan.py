"""Bulk reads and writes for importing and exporting a strategic plan.

Rows travel as plain column dicts; writes use Core ``executemany`` (scheduling.md: ORM
``add_all`` is several times slower for big files). Every function is scoped to one
workspace; the caller's unit of work commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlmodel import Session, SQLModel

from storage.models import Csf, Goal, GoalUpdate, Person, Unit, Workspace

Row = dict[str, Any]


@dataclass
class ExistingPlan:
    """What a workspace already holds, as column dicts ordered by id."""

    workspace: Workspace | None = None
    units: list[Row] = field(default_factory=list)
    people: list[Row] = field(default_factory=list)
    csfs: list[Row] = field(default_factory=list)
    goals: list[Row] = field(default_factory=list)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a SQLModel table class."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def lock_workspace(*, session: Session, team_id: str) -> Workspace | None:
    """The workspace row, locked until commit on PostgreSQL (imports run one at a time)."""
    query = select(Workspace).where(Workspace.id == team_id).with_for_update()  # type: ignore[arg-type]
    return session.execute(query).scalar_one_or_none()


def sole_workspace_id(*, session: Session) -> str | None:
    """The id of the only workspace in the database, or None when there are none or several."""
    ids = session.execute(select(table_of(Workspace).c.id).limit(2)).scalars().all()
    return str(ids[0]) if len(ids) == 1 else None


def read_existing(*, session: Session, team_id: str) -> ExistingPlan:
    """Lock the workspace and read its units, people, CSFs and goals."""
    return ExistingPlan(
        workspace=lock_workspace(session=session, team_id=team_id),
        units=list_rows(session=session, team_id=team_id, model=Unit),
        people=list_rows(session=session, team_id=team_id, model=Person),
        csfs=list_rows(session=session, team_id=team_id, model=Csf),
        goals=list_rows(session=session, team_id=team_id, model=Goal),
    )


def list_rows(*, session: Session, team_id: str, model: type[SQLModel]) -> list[Row]:
    """Every row of one table in a workspace, as column dicts ordered by id."""
    table = table_of(model)
    query = select(table).where(table.c.team_id == team_id).order_by(table.c.id)
    return [dict(row._mapping) for row in session.execute(query)]


def insert_rows(
    *, session: Session, team_id: str, model: type[SQLModel], rows: Sequence[Row]
) -> None:
    """Insert many rows of one table in one statement batch."""
    if rows:
        session.execute(insert(table_of(model)), [{**row, "team_id": team_id} for row in rows])


def update_rows(
    *, session: Session, team_id: str, model: type[SQLModel], rows: Sequence[Row]
) -> None:
    """Update rows by ``id``; each dict holds the id and only the columns that change."""
    table = table_of(model)
    batches: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for row in rows:
        batches[tuple(sorted(name for name in row if name != "id"))].append(row)
    for names, batch in batches.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"), table.c.team_id == team_id)
            .values({name: bindparam(f"new_{name}") for name in names})
        )
        params = [{"row_id": row["id"], **{f"new_{n}": row[n] for n in names}} for row in batch]
        session.execute(statement, params)


def ids_by(*, session: Session, team_id: str, model: type[SQLModel], column: str) -> dict[Any, int]:
    """Map a unique column's values (a key, a Slack id) to row ids."""
    table = table_of(model)
    query = select(table.c[column], table.c.id).where(table.c.team_id == team_id)
    return {value: int(row_id) for value, row_id in session.execute(query) if value is not None}


def max_goal_number(*, session: Session, team_id: str) -> int:
    """The highest goal number in the workspace, 0 when it has none."""
    table = table_of(Goal)
    query = select(func.max(table.c.number)).where(table.c.team_id == team_id)
    return int(session.execute(query).scalar_one_or_none() or 0)


def latest_updates(*, session: Session, team_id: str) -> dict[int, Row]:
    """Each goal's most recent progress update, by goal id."""
    table = table_of(GoalUpdate)
    rank = (
        func.row_number()
        .over(partition_by=table.c.goal_id, order_by=(table.c.created_at.desc(), table.c.id.desc()))
        .label("rank")
    )
    ranked = select(table, rank).where(table.c.team_id == team_id).subquery()
    query = select(ranked).where(ranked.c.rank == 1)
    return {row.goal_id: dict(row._mapping) for row in session.execute(query)}

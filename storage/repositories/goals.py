"""Goals: the cascade of a workspace, looked up by id, number, owner, unit or period."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Integer, Select, func, literal, select
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from storage.models import Direction, Goal, GoalStatus, Person, Unit

# A guard against a corrupted tree with a loop: no real cascade is this deep.
MAX_DEPTH = 64
_Query = TypeVar("_Query", bound=Any)


@dataclass(frozen=True)
class GoalRow:
    """The columns of a goal (with owner and unit names) that lists, trees and digests need."""

    id: int
    number: int
    title: str
    status: GoalStatus
    period: str
    parent_id: int | None
    unit_id: int
    unit_name: str
    owner_id: int
    owner_name: str
    owner_slack_id: str
    metric_unit: str | None
    baseline: float | None
    target: float | None
    direction: Direction
    due_date: date | None
    weight: float
    created_at: datetime


_ROW_COLUMNS = (
    col(Goal.id),
    col(Goal.number),
    col(Goal.title),
    col(Goal.status),
    col(Goal.period),
    col(Goal.parent_id),
    col(Goal.unit_id),
    col(Unit.name),
    col(Goal.owner_id),
    col(Person.name),
    col(Person.slack_user_id),
    col(Goal.metric_unit),
    col(Goal.baseline),
    col(Goal.target),
    col(Goal.direction),
    col(Goal.due_date),
    col(Goal.weight),
    col(Goal.created_at),
)


def get_goal(*, session: Session, team_id: str, goal_id: int) -> Goal | None:
    """A goal by database id, only within the workspace."""
    goal = session.get(Goal, goal_id)
    return goal if goal is not None and goal.team_id == team_id else None


def get_goal_by_number(*, session: Session, team_id: str, number: int) -> Goal | None:
    """A goal by its number (``G-<number>``)."""
    query = sm_select(Goal).where(Goal.team_id == team_id, Goal.number == number)
    return session.exec(query).first()


def get_goal_by_key(*, session: Session, team_id: str, key: str) -> Goal | None:
    """A goal by its stable key from a plan file."""
    query = sm_select(Goal).where(Goal.team_id == team_id, Goal.key == key)
    return session.exec(query).first()


def next_goal_number(*, session: Session, team_id: str) -> int:
    """The number the workspace's next goal gets (one more than the highest so far)."""
    query = select(func.max(col(Goal.number))).where(col(Goal.team_id) == team_id)
    highest = session.execute(query).scalar()
    return 1 if highest is None else int(highest) + 1


def add_goal(*, session: Session, goal: Goal) -> Goal:
    """Add a new goal and flush it so it has an id."""
    session.add(goal)
    session.flush()
    return goal


def list_goals(
    *,
    session: Session,
    team_id: str,
    owner_id: int | None = None,
    unit_ids: Collection[int] | None = None,
    period: str | Collection[str] | None = None,
    statuses: Collection[GoalStatus] | None = None,
) -> list[Goal]:
    """Goals filtered by owner, units, period(s) and statuses, by number."""
    query = sm_select(Goal)
    query = _filtered(query, team_id, owner_id, unit_ids, period, statuses)
    return list(session.exec(query.order_by(col(Goal.number))))


def list_goal_rows(
    *,
    session: Session,
    team_id: str,
    owner_id: int | None = None,
    unit_ids: Collection[int] | None = None,
    period: str | Collection[str] | None = None,
    statuses: Collection[GoalStatus] | None = None,
    parent_id: int | None = None,
) -> list[GoalRow]:
    """Like ``list_goals`` but only the columns summaries need, with owner and unit names."""
    query = (
        select(*_ROW_COLUMNS)
        .join(Person, col(Person.id) == col(Goal.owner_id))
        .join(Unit, col(Unit.id) == col(Goal.unit_id))
    )
    query = _filtered(query, team_id, owner_id, unit_ids, period, statuses)
    if parent_id is not None:
        query = query.where(col(Goal.parent_id) == parent_id)
    return [GoalRow(*row) for row in session.execute(query.order_by(col(Goal.number)))]


def children_of(*, session: Session, team_id: str, goal_id: int) -> list[Goal]:
    """The goals aligned directly under a goal, by number."""
    query = sm_select(Goal).where(Goal.team_id == team_id, Goal.parent_id == goal_id)
    return list(session.exec(query.order_by(col(Goal.number))))


def goal_ancestors(*, session: Session, team_id: str, goal_id: int) -> list[Goal]:
    """The goals above a goal, its parent first, up to a top goal (one query)."""
    start: Select[Any, int] = select(
        col(Goal.parent_id).label("id"), literal(1, Integer).label("depth")
    ).where(col(Goal.team_id) == team_id, col(Goal.id) == goal_id)
    chain = start.cte("goal_chain", recursive=True)
    step = select(col(Goal.parent_id), (chain.c.depth + 1).label("depth")).where(
        col(Goal.team_id) == team_id, col(Goal.id) == chain.c.id, chain.c.depth < MAX_DEPTH
    )
    chain = chain.union_all(step)
    query = sm_select(Goal).join(chain, col(Goal.id) == chain.c.id).order_by(chain.c.depth)
    seen: set[int | None] = {goal_id}
    result: list[Goal] = []
    for goal in session.exec(query):
        if goal.id in seen:
            break  # a loop in the data: stop where it closes
        seen.add(goal.id)
        result.append(goal)
    return result


def _filtered(
    query: _Query,
    team_id: str,
    owner_id: int | None,
    unit_ids: Collection[int] | None,
    period: str | Collection[str] | None,
    statuses: Collection[GoalStatus] | None,
) -> _Query:
    query = query.where(col(Goal.team_id) == team_id)
    if owner_id is not None:
        query = query.where(col(Goal.owner_id) == owner_id)
    if unit_ids is not None:
        query = query.where(col(Goal.unit_id).in_(list(unit_ids)))
    if period is not None:
        periods = [period] if isinstance(period, str) else list(period)
        query = query.where(col(Goal.period).in_(periods))
    if statuses is not None:
        query = query.where(col(Goal.status).in_(list(statuses)))
    return query

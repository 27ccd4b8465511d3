"""What a weekly digest is built from: every goal of a scope with its latest news, in one query.

A company digest reads tens of thousands of goals and a million updates, so the main query
returns only numbers (``digest_columns.WIRE``: codes for periods and healths, the yes/no facts
as bits), never ORM objects, and they become numpy columns in one conversion. For each goal in
scope: its latest update (value, health, confidence, blocker); when that update is from this
cycle, the latest update before the cycle began (its value, for movers; whether it is from the
last cycle, for staleness and rhythm) and the newest confidence given before the cycle (for
falling confidence). A goal without news this cycle needs no second look: its latest update
is also its latest before the cycle.

Each "latest" is one backward probe of ``ix_goal_update_latest`` per goal: a ``LATERAL`` join
on PostgreSQL, a correlated subquery joined by id on SQLite; the probes before the cycle run
only for goals with news this cycle (behind a ``CASE`` or a filter, which both engines
evaluate first). Titles, names and notes are fetched afterwards, only for the goals the
digest shows (``digest_details``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Date, Select, Table, case, func, literal, select, text, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel

from storage.models import Direction, Goal, GoalStatus, GoalUpdate
from storage.repositories.digest_columns import (
    BLOCKER,
    CREATED_BEFORE_PREVIOUS,
    CREATED_BEFORE_WEEK,
    DECREASE,
    HAS_UPDATE,
    HEALTH_SHIFT,
    HEALTHS,
    UPDATED_LAST_WEEK,
    UPDATED_THIS_WEEK,
    GoalColumns,
)


def _table(model: type[SQLModel]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


GOAL, UPDATE = _table(Goal), _table(GoalUpdate)


@dataclass(frozen=True)
class DigestWindow:
    """The instants a digest compares: now, when this cycle began and when the last one did.

    A goal whose last news is older than ``previous_start`` (two cycles) is stale.
    """

    at: datetime
    week_start: datetime
    previous_start: datetime


def scope_goals(
    *,
    session: Session,
    team_id: str,
    periods: Collection[str],
    window: DigestWindow,
    unit_ids: Collection[int] | None = None,
) -> GoalColumns:
    """Active goals of the periods (in the units, or the whole workspace), with their news.

    Unordered in SQL (the columns sort by number): SQLite, without statistics, would
    otherwise walk every goal of the workspace in number order to pick out one unit's."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("SET LOCAL jit = off"))  # compiling costs more than the query
    wanted = list(dict.fromkeys(periods))
    if not wanted:
        return GoalColumns.from_rows([], wanted)
    joined = _lateral_join(window) if postgres else _subquery_join(window)
    query = _columns(joined, window, wanted, _due_day_postgres if postgres else _due_day_sqlite)
    query = query.where(
        GOAL.c.team_id == team_id,
        GOAL.c.status == GoalStatus.ACTIVE,
        GOAL.c.period.in_(wanted),
    )
    if unit_ids is not None:
        query = query.where(GOAL.c.unit_id.in_(list(unit_ids)))
    return GoalColumns.from_rows(session.execute(query).all(), wanted)


_Columns = Callable[[Any], tuple[Any, ...]]
_Condition = Callable[[Any], ColumnElement[bool]]


def _newest(columns: _Columns, *conditions: _Condition) -> Select[Any]:
    """The newest update of the outer query's goal (matching `conditions`), newest first."""
    u = UPDATE.alias()
    return (
        select(*columns(u))
        .where(u.c.goal_id == GOAL.c.id, *[condition(u) for condition in conditions])
        .order_by(u.c.created_at.desc(), u.c.id.desc())
        .limit(1)
    )


def _before(window: DigestWindow) -> _Condition:
    return lambda u: u.c.created_at < window.week_start


def _confidence_before(window: DigestWindow) -> Any:
    """The newest confidence given before this cycle (updates without one are skipped)."""
    newest = _newest(
        lambda u: (u.c.confidence,), _before(window), lambda u: u.c.confidence.is_not(None)
    )
    return newest.scalar_subquery()


_Joined = tuple[Any, Any, Any]  # the FROM clause, the latest update, the one before


def _lateral_join(window: DigestWindow) -> _Joined:
    """PostgreSQL: a ``LATERAL`` probe for the latest update, and one before this cycle that
    a filter on the first one skips for goals without news this cycle."""
    latest = _newest(lambda u: (u.c.created_at, u.c.value, u.c.health, u.c.confidence, u.c.blocker))
    last = latest.lateral("last")
    before = _newest(
        lambda u: (u.c.created_at, u.c.value, u.c.confidence),
        _before(window),
        lambda _: last.c.created_at >= window.week_start,
    )
    prior = before.lateral("prior")
    return GOAL.outerjoin(last, true()).outerjoin(prior, true()), last.c, prior.c


def _subquery_join(window: DigestWindow) -> _Joined:
    """SQLite: the ids of the two updates by correlated subqueries, then their rows by id."""
    last, prior = UPDATE.alias("last"), UPDATE.alias("prior")
    latest_id = _newest(lambda u: (u.c.id,)).scalar_subquery()
    before_id = _newest(lambda u: (u.c.id,), _before(window)).scalar_subquery()
    this_week = last.c.created_at >= window.week_start
    joined = GOAL.outerjoin(last, last.c.id == latest_id).outerjoin(
        prior, prior.c.id == case((this_week, before_id))
    )
    return joined, last.c, prior.c


def _due_day_sqlite(due: Any) -> Any:
    return func.julianday(due) - 1721424.5  # the Julian day of date(1, 1, 1), day 1


def _due_day_postgres(due: Any) -> Any:
    return due - literal(date(1, 1, 1), Date) + 1  # PostgreSQL: days between two dates


def _columns(
    joined: _Joined, window: DigestWindow, periods: list[str], due_day: Callable[[Any], Any]
) -> Select[Any]:
    """The goal's numbers, its period's index in `periods`, the flags, and the news
    (``digest_columns.WIRE``)."""
    g, (source, last, prior) = GOAL.c, joined
    this_week = last.created_at >= window.week_start
    return select(
        g.id,
        g.number,
        g.unit_id,
        g.owner_id,
        g.parent_id,
        g.csf_id,
        case(*[(g.period == period, index) for index, period in enumerate(periods)]),
        g.baseline,
        g.target,
        due_day(g.due_date),
        g.weight,
        _flags(last, prior, window),
        last.value,
        last.confidence,
        case((this_week, prior.value), else_=last.value),
        case(
            (
                this_week & last.confidence.is_not(None),
                func.coalesce(prior.confidence, _confidence_before(window)),
            )
        ),
    ).select_from(source)


def _flags(last: Any, prior: Any, window: DigestWindow) -> Any:
    """The goal's facts, its metric's direction and its latest health as one integer."""
    g = GOAL.c
    this_week = last.created_at >= window.week_start
    before_at = case((this_week, prior.created_at), else_=last.created_at)
    health = case(
        *[(last.health == h, code << HEALTH_SHIFT) for code, h in enumerate(HEALTHS) if h],
        else_=0,
    )
    facts = _bits(
        (g.created_at < window.week_start, CREATED_BEFORE_WEEK),
        (g.created_at < window.previous_start, CREATED_BEFORE_PREVIOUS),
        (last.created_at.is_not(None), HAS_UPDATE),
        (this_week, UPDATED_THIS_WEEK),
        (before_at >= window.previous_start, UPDATED_LAST_WEEK),
        (last.blocker, BLOCKER),
        (g.direction == Direction.DECREASE, DECREASE),
    )
    return facts + health


def _bits(*facts: tuple[ColumnElement[bool], int]) -> Any:
    """Facts as the bits of one integer (a fact that is NULL counts as false)."""
    terms = [case((condition, bit), else_=0) for condition, bit in facts]
    total: Any = terms[0]
    for term in terms[1:]:
        total = total + term
    return total

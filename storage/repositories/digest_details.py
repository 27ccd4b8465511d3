"""The details a digest shows, fetched only for what it shows: labels, people, CSFs, series.

Every function takes the ids it needs and answers in one query per few thousand ids, with
plain columns (no ORM objects), so a company-wide digest stays a handful of queries. Rows
looked up by id are selected by primary key alone and kept when they belong to the workspace:
with the workspace in the WHERE clause SQLite, which keeps no statistics, would rather walk the
whole workspace's index than look a few hundred ids up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlmodel import Session, SQLModel

from storage.models import Csf, Goal, GoalUpdate, Person, Unit


def _table(model: type[SQLModel]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


GOAL, UPDATE, PERSON, UNIT, CSF = (_table(m) for m in (Goal, GoalUpdate, Person, Unit, Csf))
CHUNK = 5000  # ids per IN list, well under SQLite's bound-parameter limit


@dataclass(frozen=True)
class GoalLabel:
    """How a goal is named in a digest: number, title, owner, unit, latest note and date."""

    id: int
    number: int
    title: str
    owner_slack_id: str
    owner_name: str
    unit_name: str
    note: str
    last_update_at: datetime | None
    blocked_since: datetime | None = None  # filled in for goals listed as blocked


@dataclass(frozen=True)
class PersonLabel:
    """A person as a digest names them."""

    id: int
    slack_user_id: str
    name: str


@dataclass(frozen=True)
class UnitRow:
    """A unit of the org tree, as the digest walks it."""

    id: int
    key: str
    name: str
    parent_id: int | None


@dataclass(frozen=True)
class CsfRow:
    """A critical success factor of a unit for a period."""

    id: int
    unit_id: int
    period: str
    rank: int
    title: str


def _chunks(ids: Collection[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _latest_id(*extra: Any) -> Any:
    """The id of the newest update of the outer query's goal (a correlated subquery)."""
    u = UPDATE.alias()
    return (
        select(u.c.id)
        .where(u.c.goal_id == GOAL.c.id, *extra)
        .order_by(u.c.created_at.desc(), u.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def goal_labels(
    *, session: Session, team_id: str, goal_ids: Collection[int]
) -> dict[int, GoalLabel]:
    """Labels of the goals, with the note and date of each one's latest update."""
    g, p, n, last = GOAL.c, PERSON.c, UNIT.c, UPDATE.alias("last")
    joined = (
        GOAL.join(PERSON, p.id == g.owner_id)
        .join(UNIT, n.id == g.unit_id)
        .outerjoin(last, last.c.id == _latest_id())
    )
    query = select(g.team_id, g.id, g.number, g.title, p.slack_user_id, p.name, n.name)
    query = query.add_columns(last.c.note, last.c.created_at).select_from(joined)
    found: dict[int, GoalLabel] = {}
    for chunk in _chunks(goal_ids):
        rows = session.execute(query.where(g.id.in_(chunk)))
        found.update((row[1], _label(*row[1:])) for row in rows if row[0] == team_id)
    return found


def _label(
    gid: int,
    number: int,
    title: str,
    slack_id: str,
    owner: str,
    unit: str,
    note: str | None,
    at: datetime | None,
) -> GoalLabel:
    return GoalLabel(gid, number, title, slack_id, owner, unit, note or "", at)


def person_labels(
    *, session: Session, team_id: str, person_ids: Collection[int]
) -> dict[int, PersonLabel]:
    """Slack ids and names of people."""
    p = PERSON.c
    query = select(p.team_id, p.id, p.slack_user_id, p.name)
    found: dict[int, PersonLabel] = {}
    for chunk in _chunks(person_ids):
        rows = session.execute(query.where(p.id.in_(chunk)))
        found.update((row[1], PersonLabel(*row[1:])) for row in rows if row[0] == team_id)
    return found


def away_people(*, session: Session, team_id: str, on: date) -> set[int]:
    """Ids of the people away on a day (``/goal pause``): nobody expects their answer."""
    p = PERSON.c
    query = select(p.id).where(p.team_id == team_id, p.away_until >= on)
    return set(session.execute(query).scalars())


def goal_parents(
    *, session: Session, team_id: str, goal_ids: Collection[int]
) -> dict[int, tuple[int | None, int]]:
    """Each goal's parent id and unit id (any status), to follow alignment out of a scope."""
    g = GOAL.c
    query = select(g.team_id, g.id, g.parent_id, g.unit_id)
    found: dict[int, tuple[int | None, int]] = {}
    for chunk in _chunks(goal_ids):
        rows = session.execute(query.where(g.id.in_(chunk)))
        found.update((row[1], (row[2], row[3])) for row in rows if row[0] == team_id)
    return found


def long_blocked(*, session: Session, goal_ids: Collection[int], since: datetime) -> set[int]:
    """The goals blocked without a break since `since` or earlier: their newest update at or
    before `since` reports a blocker, and no update after it reports none (two index probes)."""
    g, later, earlier = GOAL.c, UPDATE.alias("later"), UPDATE.alias("earlier")
    cleared = (
        select(later.c.id)
        .where(later.c.goal_id == g.id, later.c.created_at > since, later.c.blocker.is_(False))
        .exists()
    )
    blocked_then = (
        select(earlier.c.blocker)
        .where(earlier.c.goal_id == g.id, earlier.c.created_at <= since)
        .order_by(earlier.c.created_at.desc(), earlier.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = select(g.id).where(~cleared, blocked_then.is_(True))
    found: set[int] = set()
    for chunk in _chunks(goal_ids):
        found.update(session.execute(query.where(g.id.in_(chunk))).scalars())
    return found


def blocked_since(*, session: Session, goal_ids: Collection[int]) -> dict[int, datetime]:
    """For each goal, when its current blocker was first reported (the run of blocked updates
    since its last unblocked one); goals whose latest update has no blocker are left out."""
    u = UPDATE.c
    cleared: dict[int, datetime] = {}
    runs: dict[int, list[datetime]] = defaultdict(list)
    for chunk in _chunks(goal_ids):
        last_clear = select(u.goal_id, func.max(u.created_at)).where(
            u.goal_id.in_(chunk), u.blocker.is_(False)
        )
        cleared.update((gid, at) for gid, at in session.execute(last_clear.group_by(u.goal_id)))
        blocked = select(u.goal_id, u.created_at).where(u.goal_id.in_(chunk), u.blocker.is_(True))
        for gid, at in session.execute(blocked):
            runs[gid].append(at)
    found: dict[int, datetime] = {}
    for gid, entries in runs.items():
        after = [at for at in entries if gid not in cleared or at > cleared[gid]]
        if after:
            found[gid] = min(after)
    return found


def value_series(
    *, session: Session, goal_ids: Collection[int], since: datetime
) -> dict[int, list[tuple[datetime, float]]]:
    """Each goal's recorded values since `since`, oldest first, led by the last value before."""
    series: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
    ids = sorted(set(goal_ids))
    before, row = UPDATE.alias("before"), UPDATE.alias("row")
    newest_before = (
        select(before.c.id)
        .where(before.c.goal_id == GOAL.c.id, before.c.value.is_not(None))
        .where(before.c.created_at < since)
        .order_by(before.c.created_at.desc(), before.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    leading = (
        select(GOAL.c.id, row.c.created_at, row.c.value)
        .select_from(GOAL.join(row, row.c.id == newest_before))
        .where(GOAL.c.id.in_(ids))
    )
    c = UPDATE.c
    points = (
        select(c.goal_id, c.created_at, c.value)
        .where(c.goal_id.in_(ids), c.value.is_not(None), c.created_at >= since)
        .order_by(c.goal_id, c.created_at, c.id)
    )
    for query in (leading, points):
        for gid, at, value in session.execute(query):
            series[gid].append((at, float(value)))
    return dict(series)


def unit_rows(*, session: Session, team_id: str) -> list[UnitRow]:
    """Every unit of the workspace, by id."""
    n = UNIT.c
    query = select(n.id, n.key, n.name, n.parent_id).where(n.team_id == team_id).order_by(n.id)
    return [UnitRow(*row) for row in session.execute(query)]


def csf_rows(
    *,
    session: Session,
    team_id: str,
    periods: Collection[str],
    unit_ids: Collection[int] | None = None,
) -> list[CsfRow]:
    """Every CSF of the workspace (or of the units) in the periods, by unit and rank."""
    c = CSF.c
    query = (
        select(c.id, c.unit_id, c.period, c.rank, c.title)
        .where(c.team_id == team_id, c.period.in_(list(periods)))
        .order_by(c.unit_id, c.rank, c.id)
    )
    if unit_ids is not None:
        query = query.where(c.unit_id.in_(list(unit_ids)))
    return [CsfRow(*row) for row in session.execute(query)]

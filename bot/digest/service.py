"""Building a digest from the database: the few queries, the pure content, the messages, the chart.

A company digest over 50,000 goals and a million updates is about ten queries: the scope's
goals with their news as columns (``digest_data.scope_goals``), the goals above the scope and
the long blockers, the units and CSFs, then labels for only the goals and people the digest
names.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine
from sqlmodel import Session

from bot.blocks.digest import DigestMessages, digest_messages
from bot.digest.chart import Chart, build_chart
from bot.digest.content import BLOCKER_DAYS, DigestInputs, blocked_ids, build_content
from bot.digest.measure import period_bounds
from bot.digest.sections import scope_units
from bot.domain.clock import Clock
from bot.domain.digest import DigestContent, ExceptionKind
from bot.domain.errors import NotFound
from bot.domain.periods import quarter_of
from bot.services.context import require_unit, workspace_or_default
from bot.services.progress import cycle_length
from storage.db import unit_of_work
from storage.models import Workspace
from storage.repositories import digest_details as details
from storage.repositories.digest_columns import GoalColumns, ScopeGoal
from storage.repositories.digest_data import DigestWindow, scope_goals
from storage.repositories.digest_details import GoalLabel, UnitRow

MAX_ANCESTOR_ROUNDS = 64  # a guard against a loop of parents in corrupted data


@dataclass(frozen=True)
class BuiltDigest:
    """A digest ready to post: what it says, its messages, and its chart (if any)."""

    content: DigestContent
    messages: DigestMessages
    chart: Chart | None


class DigestService:
    """Builds digests for ``/goal digest preview`` (and, through ``build_digest``, the tick)."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def preview(self, *, team_id: str, unit_key: str | None) -> DigestMessages:
        """The digest of the company, or of a unit's subtree, as it stands now."""
        with unit_of_work(self._engine) as session:
            unit_id = require_unit(session, team_id, unit_key).id if unit_key else None
            return build_digest(session, team_id, unit_id, self._clock.now()).messages


def week_key_of(at: datetime, zone: ZoneInfo) -> str:
    """The ISO week (``2027-W07``) of an instant on the workspace's calendar."""
    local = at.astimezone(zone).date()
    iso = local.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def workspace_zone(workspace: Workspace) -> ZoneInfo:
    """The workspace's time zone (UTC when its name is not a zone)."""
    try:
        return ZoneInfo(workspace.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@contextmanager
def _no_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector: a company digest allocates hundreds of thousands of
    small acyclic objects, and collections triggered by them cost more than the work."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_digest(
    session: Session,
    team_id: str,
    unit_id: int | None,
    at: datetime,
    *,
    week_key: str | None = None,
    with_chart: bool = False,
) -> BuiltDigest:
    """The digest of a scope (None: the company) at an instant."""
    with _no_collection():
        return _build(session, team_id, unit_id, at, week_key, with_chart)


def _build(
    session: Session,
    team_id: str,
    unit_id: int | None,
    at: datetime,
    week_key: str | None,
    with_chart: bool,
) -> BuiltDigest:
    workspace = workspace_or_default(session, team_id)
    zone = workspace_zone(workspace)
    quarter = quarter_of(at.astimezone(zone).date(), workspace.fiscal_year_start_month)
    periods = (str(quarter), str(quarter.year_period()))
    cycle = cycle_length(workspace.cadence)
    window = DigestWindow(at=at, week_start=at - cycle, previous_start=at - 2 * cycle)
    units = details.unit_rows(session=session, team_id=team_id)
    scope = _scope_units(units, unit_id)
    goals = scope_goals(
        session=session, team_id=team_id, periods=periods, window=window, unit_ids=scope
    )
    key = week_key or week_key_of(at, zone)
    content = build_content(
        _inputs(session, workspace, units, unit_id, goals, window, periods, key)
    )
    labels = _labels(session, team_id, content)
    people = details.person_labels(
        session=session, team_id=team_id, person_ids=content.person_ids()
    )
    messages = digest_messages(content, labels, people)
    chart = None
    if with_chart:
        chart = _chart(session, content, goals, labels, workspace.fiscal_year_start_month)
    return BuiltDigest(content, messages, chart)


def _scope_units(units: Sequence[UnitRow], unit_id: int | None) -> list[int] | None:
    """The ids of a unit's subtree (None for the company: every unit)."""
    if unit_id is None:
        return None
    if not any(unit.id == unit_id for unit in units):
        raise NotFound("The unit this digest was for no longer exists.")
    return [unit.id for unit in scope_units(units, unit_id)]


def _scope_name(workspace: Workspace, units: Sequence[UnitRow], unit_id: int | None) -> str:
    if unit_id is not None:
        return next(unit.name for unit in units if unit.id == unit_id)
    roots = [unit for unit in units if unit.parent_id is None]
    return roots[0].name if len(roots) == 1 else workspace.name or "the company"


def _inputs(
    session: Session,
    workspace: Workspace,
    units: Sequence[UnitRow],
    unit_id: int | None,
    goals: GoalColumns,
    window: DigestWindow,
    periods: tuple[str, ...],
    week_key: str,
) -> DigestInputs:
    """Everything ``build_content`` needs beyond the goals: parents, CSFs, away, blockers."""
    team_id = workspace.id
    in_scope = {unit.id for unit in scope_units(units, unit_id)}
    csfs = details.csf_rows(
        session=session,
        team_id=team_id,
        periods=periods,
        unit_ids=None if unit_id is None else in_scope,
    )
    return DigestInputs(
        scope_name=_scope_name(workspace, units, unit_id),
        unit_id=unit_id,
        week_key=week_key,
        periods=periods,
        window=window,
        fy_start_month=workspace.fiscal_year_start_month,
        cadence=workspace.cadence,
        goals=goals,
        units=units,
        csfs=[csf for csf in csfs if csf.unit_id in in_scope],
        parents=_ancestors(session, team_id, goals),
        away=details.away_people(
            session=session,
            team_id=team_id,
            on=window.at.astimezone(workspace_zone(workspace)).date(),
        ),
        long_blocked=details.long_blocked(
            session=session,
            goal_ids=blocked_ids(goals),
            since=window.at - timedelta(days=BLOCKER_DAYS),
        ),
    )


def _ancestors(
    session: Session, team_id: str, goals: GoalColumns
) -> dict[int, tuple[int | None, int]]:
    """Parent and unit of every goal above the scope's goals that is not in the scope."""
    known = set(goals.id.tolist())
    found: dict[int, tuple[int | None, int]] = {}
    missing = set(goals.parent_id[goals.parent_id >= 0].tolist()) - known
    for _ in range(MAX_ANCESTOR_ROUNDS):
        if not missing:
            break
        fetched = details.goal_parents(session=session, team_id=team_id, goal_ids=missing)
        found.update(fetched)
        parents = {parent for parent, _ in fetched.values() if parent is not None}
        missing = parents - known - set(found)
    return found


def _chart(
    session: Session,
    content: DigestContent,
    goals: GoalColumns,
    labels: Mapping[int, GoalLabel],
    fy_start_month: int,
) -> Chart | None:
    """Progress over the quarter of the scope's top measurable goals."""
    start_day, _ = period_bounds(content.periods[0], fy_start_month)
    start = datetime.combine(start_day, time(0), tzinfo=UTC)
    ids = [gid for gid in content.chart_goals if gid in labels]
    values = details.value_series(session=session, goal_ids=ids, since=start)
    names = {gid: f"G-{labels[gid].number} {labels[gid].title}" for gid in ids}
    by_id = _goals_by_id(goals, ids)
    title = f"Progress of the top goals of {content.scope_name}, {content.periods[0]}"
    return build_chart(title, start, content.at, names, by_id, values)


def _goals_by_id(goals: GoalColumns, ids: Sequence[int]) -> dict[int, ScopeGoal]:
    """The goals with these ids, as rows with named fields."""
    positions = {int(goal_id): at for at, goal_id in enumerate(goals.id.tolist())}
    return {gid: goals.goal(positions[gid]) for gid in ids if gid in positions}


def _labels(session: Session, team_id: str, content: DigestContent) -> dict[int, GoalLabel]:
    """Labels of the goals the digest names; blocked ones say since when."""
    labels = details.goal_labels(session=session, team_id=team_id, goal_ids=content.goal_ids())
    blocked = [
        item.goal.goal_id
        for group in content.exceptions
        if group.kind is ExceptionKind.BLOCKED
        for item in group.items
    ]
    since = details.blocked_since(session=session, goal_ids=blocked)
    return {
        gid: replace(label, blocked_since=since.get(gid)) if gid in since else label
        for gid, label in labels.items()
    }

"""Reading goals: summaries with progress and health, roll-ups, tree order, details."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Protocol

from sqlmodel import Session

from bot.domain.goals import GoalSummary, HealthCheck
from bot.domain.periods import parse_period
from bot.services.context import workspace_or_default
from bot.services.progress import (
    MetricLike,
    RollupNode,
    computed_health,
    cycle_length,
    expected_progress,
    progress,
    rollup,
)
from storage.models import GoalUpdate, Workspace
from storage.repositories.goals import GoalRow
from storage.repositories.updates import latest_updates


class MeasurableGoal(MetricLike, Protocol):
    """A goal (or goal row) with what progress and health are computed from."""

    @property
    def period(self) -> str: ...

    @property
    def due_date(self) -> date | None: ...

    @property
    def created_at(self) -> datetime: ...


@dataclass(frozen=True)
class Measured:
    """A goal's progress, where it should be by now, and its computed health."""

    progress: float | None
    expected: float
    health: HealthCheck


def measure(
    goal: MeasurableGoal, update: GoalUpdate | None, at: datetime, workspace: Workspace
) -> Measured:
    """Progress from the latest value, expected progress from the period, and health.

    Expected progress runs from the period's first day to the due date (the period's last
    day when the goal has none). Without updates, staleness counts from the later of the
    goal's creation and the period's start.
    """
    start, end = parse_period(goal.period).bounds(workspace.fiscal_year_start_month)
    actual = progress(goal, update.value if update is not None else None)
    expected = expected_progress(start, goal.due_date or end, at.date())
    since = update.created_at if update is not None else max(goal.created_at, _midnight(start))
    health = computed_health(actual, expected, since, at, cycle_length(workspace.cadence))
    return Measured(progress=actual, expected=expected, health=health)


def summarize(
    session: Session, team_id: str, rows: Sequence[GoalRow], at: datetime
) -> list[GoalSummary]:
    """Summaries of goal rows, with the latest update of each fetched in one query."""
    workspace = workspace_or_default(session, team_id)
    latest = latest_updates(session=session, team_id=team_id, goal_ids=[row.id for row in rows])
    return [_summary(row, latest.get(row.id), at, workspace) for row in rows]


def with_rollups(summaries: Sequence[GoalSummary]) -> list[GoalSummary]:
    """The summaries with ``rolled_up`` set over the goals among them."""
    nodes = [
        RollupNode(id=item.id, parent_id=item.parent_id, progress=item.progress, weight=item.weight)
        for item in summaries
    ]
    rolled = rollup(nodes)
    return [replace(item, rolled_up=rolled.get(item.id)) for item in summaries]


def tree_order(summaries: Sequence[GoalSummary]) -> list[tuple[int, GoalSummary]]:
    """(depth, summary) pairs, each goal followed by its children, by number at each level."""
    by_id = {item.id: item for item in summaries}
    children: dict[int | None, list[GoalSummary]] = {}
    for item in sorted(summaries, key=lambda summary: summary.number):
        parent = item.parent_id if item.parent_id in by_id else None
        children.setdefault(parent, []).append(item)
    ordered: list[tuple[int, GoalSummary]] = []
    seen: set[int] = set()
    stack = [(0, item) for item in reversed(children.get(None, []))]
    while stack:
        depth, item = stack.pop()
        if item.id in seen:
            continue
        seen.add(item.id)
        ordered.append((depth, item))
        stack.extend((depth + 1, kid) for kid in reversed(children.get(item.id, [])))
    # Goals caught in a loop of parents have no top; show them rather than lose them.
    ordered.extend((0, item) for item in by_id.values() if item.id not in seen)
    return ordered


def _summary(
    row: GoalRow, update: GoalUpdate | None, at: datetime, workspace: Workspace
) -> GoalSummary:
    measured = measure(row, update, at, workspace)
    return GoalSummary.of(row, progress=measured.progress, health=measured.health, latest=update)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)

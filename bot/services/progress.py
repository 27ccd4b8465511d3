"""Progress, expected progress, computed health and roll-ups: pure arithmetic, no database.

Rules (shown to people as they are, so keep them simple):

- **Progress** is the share of the way from baseline to target, clamped to [0, 1]. The same
  formula serves both directions: for a metric that should decrease, baseline 100 and target
  60, a value of 80 is 0.5. When target equals baseline, progress is 1.0 once the value has
  reached or passed the target in the goal's direction, else 0.0.
- **Expected progress** grows linearly from the period's first day (0.0) to the due date (1.0).
- **Computed health** compares actual with expected progress: on track when actual >= expected
  - 0.10, at risk when actual >= expected - 0.25, else off track.
- **Stale**: more than two check-in cycles since the last update (for a goal without updates,
  since it was created or its period started, whichever is later). Staleness overrides
  health wherever health is shown (``HealthCheck.label``); the numeric health is kept.
- **Roll-up**: a goal with measurable children is worth the weighted average of their
  roll-ups (weights default to 1; a weight of 0 leaves a child out); a goal without measurable
  children uses its own progress; goals without a measurable progress are skipped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.domain.goals import HealthCheck
from storage.models import Cadence, Direction, Health

ON_TRACK_MARGIN = 0.10
AT_RISK_MARGIN = 0.25
STALE_CYCLES = 2
_EPSILON = 1e-9
CYCLE_LENGTHS = {
    Cadence.WEEKLY: timedelta(days=7),
    Cadence.BIWEEKLY: timedelta(days=14),
    Cadence.MONTHLY: timedelta(days=30),
}


class MetricLike(Protocol):
    """Anything with a metric's baseline, target and direction (a Goal, a GoalRow)."""

    @property
    def baseline(self) -> float | None: ...

    @property
    def target(self) -> float | None: ...

    @property
    def direction(self) -> Direction: ...


@dataclass(frozen=True)
class RollupNode:
    """One goal in a roll-up: its id, parent, own progress and weight."""

    id: int
    parent_id: int | None
    progress: float | None
    weight: float = 1.0


def cycle_length(cadence: Cadence) -> timedelta:
    """How long one check-in cycle lasts."""
    return CYCLE_LENGTHS[cadence]


def progress(goal: MetricLike, value: float | None) -> float | None:
    """Share of the way from baseline to target, in [0, 1]; None without the numbers."""
    baseline, target = goal.baseline, goal.target
    if baseline is None or target is None or value is None:
        return None
    if math.isclose(target, baseline):
        if goal.direction is Direction.DECREASE:
            return 1.0 if value <= target else 0.0
        return 1.0 if value >= target else 0.0
    return _clamp((value - baseline) / (target - baseline))


def expected_progress(start: date, due: date, at: date) -> float:
    """Where progress should be on ``at``: 0 on the start day, 1 on the due date, linear between."""
    if due <= start:
        return 1.0 if at >= due else 0.0
    return _clamp((at - start).days / (due - start).days)


def computed_health(
    actual: float | None,
    expected: float | None,
    last_update_at: datetime | None,
    at: datetime,
    cycle_length: timedelta,
) -> HealthCheck:
    """Health from actual vs expected progress, flagged stale after two cycles without news."""
    stale = last_update_at is None or at - last_update_at > STALE_CYCLES * cycle_length
    return HealthCheck(health=_health(actual, expected), stale=stale)


def rollup(nodes: Iterable[RollupNode]) -> dict[int, float | None]:
    """Each goal's rolled-up progress over its subtree (see the module rules)."""
    by_id = {node.id: node for node in nodes}
    children: dict[int, list[RollupNode]] = {}
    for node in by_id.values():
        if node.parent_id in by_id and node.parent_id != node.id:
            children.setdefault(node.parent_id, []).append(node)
    result: dict[int, float | None] = {}
    for node_id in _post_order(by_id, children):
        result[node_id] = _rolled(by_id[node_id], children.get(node_id, []), result)
    return result


def _health(actual: float | None, expected: float | None) -> Health | None:
    if actual is None or expected is None:
        return None
    if actual >= expected - ON_TRACK_MARGIN - _EPSILON:
        return Health.ON_TRACK
    if actual >= expected - AT_RISK_MARGIN - _EPSILON:
        return Health.AT_RISK
    return Health.OFF_TRACK


def _rolled(
    node: RollupNode, kids: list[RollupNode], done: Mapping[int, float | None]
) -> float | None:
    measured = [(done.get(kid.id), kid.weight) for kid in kids if kid.weight > 0]
    weighted = [(value, weight) for value, weight in measured if value is not None]
    total = sum(weight for _, weight in weighted)
    if not weighted or total <= 0:
        return node.progress
    return sum(value * weight for value, weight in weighted) / total


def _post_order(
    by_id: Mapping[int, RollupNode], children: Mapping[int, list[RollupNode]]
) -> list[int]:
    """Children before parents, iteratively; a node on a loop is visited once."""
    order: list[int] = []
    visited: set[int] = set()
    for root in by_id:
        stack: list[tuple[int, bool]] = [(root, False)]
        while stack:
            node_id, expanded = stack.pop()
            if expanded:
                order.append(node_id)
            elif node_id not in visited:
                visited.add(node_id)
                stack.append((node_id, True))
                stack.extend((kid.id, False) for kid in children.get(node_id, []))
    return order


def _clamp(share: float) -> float:
    return min(1.0, max(0.0, share))

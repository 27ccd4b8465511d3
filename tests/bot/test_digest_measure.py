"""The digest's column arithmetic gives the very floats the one-goal rules give, edge cases
included: progress, computed health, expected progress, depths (loops too), roll-ups, means."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pytest

from bot.digest.measure import health_of, measure_goals, period_bounds, progress_of
from bot.digest.sections import weighted_mean
from bot.digest.tree import depth_order, depths, goal_depths, parent_positions, rollup
from bot.services.progress import computed_health, expected_progress, progress
from storage.models import Direction, Health
from storage.repositories.digest_columns import HEALTHS, GoalColumns, ScopeGoal
from tests.bot.test_digest_content import AT, WINDOW, goal

EDGES = [0.0, -0.0, 1.0, 100.0, 1e9, 1e9 + 0.5, -50.0, 1e-12, 33.3]


def _same(found: float, expected: float | None) -> bool:
    """The same float, sign of zero included (NaN standing for None)."""
    if expected is None:
        return math.isnan(found)
    return found == expected and math.copysign(1, found) == math.copysign(1, expected)


def _random_goals(rng: random.Random, count: int) -> list[ScopeGoal]:
    def pick() -> float | None:
        roll = rng.random()
        if roll < 0.1:
            return None
        return rng.choice(EDGES) if roll < 0.5 else rng.uniform(-200, 200)

    goals = []
    for n in range(1, count + 1):
        baseline = pick()
        target = baseline if rng.random() < 0.15 else pick()  # flat metrics too
        value = rng.choice([baseline, target, pick()])
        direction = rng.choice(list(Direction))
        goals.append(goal(n, baseline=baseline, target=target, value=value, direction=direction))
    return goals


def test_progress_is_the_services_rule_float_for_float() -> None:
    goals = _random_goals(random.Random(11), 3000)
    columns = GoalColumns.of(goals)
    found = progress_of(columns, columns.value)
    mismatches = [
        g for g, f in zip(goals, found, strict=True) if not _same(f, progress(g, g.value))
    ]
    assert mismatches == []


def test_computed_health_is_the_services_rule() -> None:
    rng = random.Random(3)
    expected = np.array([rng.choice([0.0, 0.25, 0.5, 1.0, rng.random()]) for _ in range(2000)])
    margins = [-0.1, -0.25, -0.1 - 1e-9, -0.25 - 2e-9, 0.0, 0.3, -0.6]
    actual = np.array([e + rng.choice(margins) if rng.random() < 0.9 else np.nan for e in expected])
    codes = health_of(actual, expected)
    for a, e, code in zip(actual.tolist(), expected.tolist(), codes.tolist(), strict=True):
        check = computed_health(
            None if math.isnan(a) else a, e, AT, AT, WINDOW.at - WINDOW.week_start
        )
        assert HEALTHS[code] == check.health


def test_expected_progress_is_computed_per_period_and_due_date() -> None:
    goals = [
        goal(1, period="2027-Q1"),
        goal(2, period="2027-Q1", due_date=date(2027, 2, 28)),
        goal(3, period="FY2027", due_date=date(2027, 1, 1)),
        goal(4, period="FY2027"),
    ]
    measured = measure_goals(GoalColumns.of(goals), WINDOW, 1)
    for g, found in zip(goals, measured.expected.tolist(), strict=True):
        start, end = period_bounds(g.period, 1)
        assert found == expected_progress(start, g.due_date or end, AT.date())


def _parent_maps() -> list[dict[int, int | None]]:
    rng = random.Random(8)
    maps: list[dict[int, int | None]] = []
    for _ in range(40):
        size = rng.randint(1, 60)
        ids = rng.sample(range(1, 500), size)
        maps.append(
            {gid: rng.choice([None, rng.randint(1, 600), *ids]) for gid in ids}
        )  # parents in the scope, outside it, none, loops and self-loops
    return maps


@pytest.mark.parametrize("parents", _parent_maps())
def test_depths_are_the_walking_rule_loops_included(parents: dict[int, int | None]) -> None:
    ids = np.array(list(parents), dtype=np.int64)
    parent_ids = np.array([-1 if p is None else p for p in parents.values()], dtype=np.int64)
    found = depths(ids, parent_ids, parent_positions(ids, parent_ids))
    assert dict(zip(parents, found.tolist(), strict=True)) == goal_depths(parents)


def _one_pass_rollup(
    ids: Sequence[int],
    parents: Mapping[int, int | None],
    own: Sequence[float | None],
    weights: Sequence[float],
) -> list[float | None]:
    """The roll-up as one loop over the goals, deepest first (the rule the arrays follow)."""
    found = goal_depths(parents)
    order = sorted(range(len(ids)), key=lambda at: found[ids[at]])
    sums: dict[int, list[float]] = {}
    rolled: dict[int, float | None] = {}
    for at in reversed(order):
        gid, parent = ids[at], parents[ids[at]]
        total = sums.get(gid)
        value = total[1] / total[0] if total is not None and total[0] > 0 else own[at]
        rolled[gid] = value
        if value is not None and weights[at] > 0 and parent is not None and parent != gid:
            entry = sums.setdefault(parent, [0.0, 0.0])
            entry[0] += weights[at]
            entry[1] += value * weights[at]
    return [rolled[gid] for gid in ids]


@pytest.mark.parametrize("parents", _parent_maps())
def test_rollup_adds_the_same_floats_as_one_pass_over_the_goals(
    parents: dict[int, int | None],
) -> None:
    rng = random.Random(len(parents))
    ids = list(parents)
    own = [None if rng.random() < 0.3 else rng.random() for _ in ids]
    weights = [rng.choice([0.0, 1.0, 0.3, 2.5]) for _ in ids]
    id_array = np.array(ids, dtype=np.int64)
    parent_ids = np.array([-1 if p is None else p for p in parents.values()], dtype=np.int64)
    positions = parent_positions(id_array, parent_ids)
    found = rollup(
        np.array(own, dtype=np.float64),
        np.array(weights),
        positions,
        depths(id_array, parent_ids, positions),
    )
    expected = _one_pass_rollup(ids, parents, own, weights)
    assert all(_same(f, e) for f, e in zip(found.tolist(), expected, strict=True))


def test_depth_order_keeps_row_order_within_a_depth() -> None:
    order = depth_order(np.array([1, 0, 2, 0, 1], dtype=np.int64))
    assert order.tolist() == [1, 3, 0, 4, 2]


def test_weighted_mean_adds_left_to_right_like_sum() -> None:
    rng = random.Random(4)
    values = [None if rng.random() < 0.2 else rng.uniform(0, 1) for _ in range(5000)]
    weights = [rng.choice([0.0, 0.1, 1.0, 3.7]) for _ in values]
    kept = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None and w > 0]
    total = sum(w for _, w in kept)
    expected = sum(v * w for v, w in kept) / total
    array = np.array(values, dtype=np.float64)
    assert weighted_mean(array, np.array(weights)) == expected
    assert weighted_mean(np.array([np.nan]), np.array([1.0])) is None
    assert weighted_mean(np.array([0.5]), np.array([0.0])) is None


def test_a_goal_round_trips_through_the_columns() -> None:
    fields: dict[str, Any] = {
        "parent_id": 7, "csf_id": 0, "period": "FY2027", "direction": Direction.DECREASE,
        "due_date": date(2027, 12, 31), "health": Health.AT_RISK, "blocker": True,
        "value_before": None, "confidence_before": 3, "has_update": True,
    }  # fmt: skip
    goals = [goal(2, **fields), goal(1, value=None, confidence=None, health=None)]
    columns = GoalColumns.of(goals)
    assert [columns.goal(at) for at in range(len(columns))] == [goals[1], goals[0]]  # by number

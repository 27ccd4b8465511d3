"""Progress, expected progress, computed health, staleness and roll-ups: pure arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.goals import HealthCheck
from bot.services.progress import (
    RollupNode,
    computed_health,
    cycle_length,
    expected_progress,
    progress,
    rollup,
)
from storage.models import Cadence, Direction, Health

WEEK = timedelta(days=7)
AT = datetime(2027, 2, 15, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Metric:
    baseline: float | None
    target: float | None
    direction: Direction = Direction.INCREASE


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 0.0), (50, 0.5), (100, 1.0), (-20, 0.0), (150, 1.0)]
)
def test_progress_of_an_increasing_metric_is_clamped(value: float, expected: float) -> None:
    assert progress(Metric(0, 100), value) == pytest.approx(expected)


@pytest.mark.parametrize(("value", "expected"), [(100, 0.0), (80, 0.5), (60, 1.0), (40, 1.0)])
def test_progress_of_a_decreasing_metric(value: float, expected: float) -> None:
    assert progress(Metric(100, 60, Direction.DECREASE), value) == pytest.approx(expected)


def test_progress_when_target_equals_baseline_is_all_or_nothing() -> None:
    keep_up = Metric(99.9, 99.9)
    assert progress(keep_up, 99.9) == 1.0
    assert progress(keep_up, 100) == 1.0
    assert progress(keep_up, 99.0) == 0.0
    keep_down = Metric(5, 5, Direction.DECREASE)
    assert progress(keep_down, 4) == 1.0
    assert progress(keep_down, 6) == 0.0


def test_progress_needs_baseline_target_and_value() -> None:
    assert progress(Metric(None, 10), 5) is None
    assert progress(Metric(0, None), 5) is None
    assert progress(Metric(0, 10), None) is None


def test_expected_progress_is_linear_from_start_to_due() -> None:
    start, due = date(2027, 1, 1), date(2027, 1, 11)
    assert expected_progress(start, due, date(2026, 12, 1)) == 0.0
    assert expected_progress(start, due, date(2027, 1, 6)) == pytest.approx(0.5)
    assert expected_progress(start, due, date(2027, 2, 1)) == 1.0
    assert expected_progress(start, start, date(2027, 1, 1)) == 1.0
    assert expected_progress(start, start, date(2026, 12, 31)) == 0.0


@pytest.mark.parametrize(
    ("actual", "health"),
    [
        (0.6, Health.ON_TRACK),
        (0.5, Health.ON_TRACK),  # exactly expected - 0.10
        (0.45, Health.AT_RISK),
        (0.35, Health.AT_RISK),  # exactly expected - 0.25
        (0.34, Health.OFF_TRACK),
        (0.0, Health.OFF_TRACK),
    ],
)
def test_health_thresholds(actual: float, health: Health) -> None:
    check = computed_health(actual, 0.6, AT - timedelta(days=1), AT, WEEK)
    assert check == HealthCheck(health=health, stale=False)


def test_health_is_unknown_without_a_measurable_progress() -> None:
    check = computed_health(None, 0.5, AT, AT, WEEK)
    assert check.health is None and check.label == "unknown"


def test_two_cycles_without_an_update_make_a_goal_stale() -> None:
    fresh = computed_health(0.9, 0.5, AT - 2 * WEEK, AT, WEEK)
    stale = computed_health(0.9, 0.5, AT - 2 * WEEK - timedelta(minutes=1), AT, WEEK)
    assert not fresh.stale and fresh.label == "on_track"
    assert stale.stale and stale.health is Health.ON_TRACK and stale.label == "stale"
    assert computed_health(0.9, 0.5, None, AT, WEEK).stale


def test_cycle_lengths_follow_the_cadence() -> None:
    assert cycle_length(Cadence.WEEKLY) == WEEK
    assert cycle_length(Cadence.BIWEEKLY) == 2 * WEEK
    assert cycle_length(Cadence.MONTHLY) == timedelta(days=30)


def test_rollup_without_weights_is_the_mean_of_children() -> None:
    nodes = [
        RollupNode(1, None, 0.0),
        RollupNode(2, 1, 0.2),
        RollupNode(3, 1, None),  # a parent whose children carry it
        RollupNode(4, 3, 0.6),
        RollupNode(5, 3, 1.0),
        RollupNode(6, 1, None),  # not measurable at all: skipped
    ]
    result = rollup(nodes)
    assert result[3] == pytest.approx(0.8)
    assert result[1] == pytest.approx(0.5)
    assert result[6] is None and result[2] == 0.2


def test_rollup_with_weights() -> None:
    nodes = [
        RollupNode(1, None, None),
        RollupNode(2, 1, 1.0, weight=3),
        RollupNode(3, 1, 0.0, weight=1),
        RollupNode(4, 1, 0.0, weight=0),  # weight 0 leaves it out
    ]
    assert rollup(nodes)[1] == pytest.approx(0.75)


def test_rollup_of_a_leaf_or_unmeasurable_children_is_its_own_progress() -> None:
    nodes = [RollupNode(1, None, 0.4), RollupNode(2, 1, None), RollupNode(9, 99, 0.7)]
    result = rollup(nodes)
    assert result[1] == 0.4
    assert result[9] == 0.7  # a parent outside the set makes it a top goal


def test_rollup_survives_a_loop_in_the_data() -> None:
    result = rollup([RollupNode(1, 2, 0.2), RollupNode(2, 1, 0.4)])
    assert set(result) == {1, 2}

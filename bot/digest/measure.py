"""Measuring a scope's goals: progress, expected progress, health, standing, roll-ups, depth.

The rules are ``bot.services.progress``'s, applied to whole columns at once (numpy): expected
progress is computed once per period and due date, and staleness comes from flags the query
computed (an update this cycle or the last one), so tens of thousands of goals take a few
milliseconds. Every value is the same float the one-goal functions give (tested).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache

import numpy as np

from bot.digest.tree import depth_order, depths, parent_positions, rollup
from bot.domain.digest import GoalLine, Standing
from bot.domain.periods import parse_period
from bot.services.progress import AT_RISK_MARGIN, ON_TRACK_MARGIN, expected_progress
from storage.repositories.digest_columns import (
    CREATED_BEFORE_PREVIOUS,
    DECREASE,
    HAS_UPDATE,
    HEALTHS,
    UPDATED_LAST_WEEK,
    UPDATED_THIS_WEEK,
    BoolArray,
    FloatArray,
    GoalColumns,
    IntArray,
    number,
)
from storage.repositories.digest_data import DigestWindow

_EPSILON = 1e-9  # as in bot.services.progress: 0.1 short of expected is still on track
_REL_TOL = 1e-9  # math.isclose's default, as bot.services.progress.progress uses it
STANDINGS = (
    Standing.NO_DATA,
    Standing.ON_TRACK,
    Standing.AT_RISK,
    Standing.OFF_TRACK,
    Standing.STALE,
)
"""Standing by code: codes 0-3 are the health codes (``digest_columns.HEALTHS``), so the worse
of two healths is the larger code; stale (4) overrides them."""
STALE = 4


@cache
def period_bounds(period: str, fy_start_month: int) -> tuple[date, date]:
    """First and last day of a period under a fiscal year start."""
    return parse_period(period).bounds(fy_start_month)


@dataclass(frozen=True, eq=False)
class Measures:
    """Every goal of a scope measured: arrays by position in its columns."""

    goals: GoalColumns
    progress: FloatArray  # own progress; NaN: not measurable
    expected: FloatArray
    computed: IntArray  # health code from the numbers (0: none)
    stale: BoolArray
    standing: IntArray  # index into STANDINGS
    shown: FloatArray  # own progress, else the roll-up of the goals serving it
    depth: IntArray  # 0: a top goal of the scope
    parent: IntArray  # the parent's position; -1: none or outside the scope
    order: IntArray  # positions shallowest first

    def ranked(self, mask: BoolArray) -> IntArray:
        """Positions where `mask`, most important first: higher in the tree, then heavier,
        then by number (ties in tree order)."""
        found = self.order[mask[self.order]]
        goals = self.goals
        return found[np.lexsort((goals.number[found], -goals.weight[found], self.depth[found]))]

    def line(self, at: int) -> GoalLine:
        """The goal at a position as a line of the digest."""
        goals = self.goals
        return GoalLine(
            goal_id=int(goals.id[at]),
            progress=number(self.shown[at]),
            expected=float(self.expected[at]),
            reported=HEALTHS[goals.health[at]],
            computed=HEALTHS[self.computed[at]],
            stale=bool(self.stale[at]),
            has_update=bool(goals.flags[at] & HAS_UPDATE),
        )

    def standings(self) -> Counter[Standing]:
        """How many goals stand where (counted in tree order)."""
        codes = self.standing[self.order]
        found, first, counts = np.unique(codes, return_index=True, return_counts=True)
        ordered = np.argsort(first)
        return Counter({STANDINGS[found[k]]: int(counts[k]) for k in ordered})


def measure_goals(goals: GoalColumns, window: DigestWindow, fy_start_month: int) -> Measures:
    """Every goal measured, with roll-ups over the scope and each goal's place in its tree."""
    own = progress_of(goals, goals.value)
    parent = parent_positions(goals.id, goals.parent_id)
    depth = depths(goals.id, goals.parent_id, parent)
    rolled = rollup(own, goals.weight, parent, depth)
    expected = _expected(goals, window, fy_start_month)
    stale = _stale(goals, window, fy_start_month)
    computed = health_of(own, expected)
    return Measures(
        goals=goals,
        progress=own,
        expected=expected,
        computed=computed,
        stale=stale,
        standing=standing_of(goals.health, computed, stale),
        shown=np.where(np.isnan(own), rolled, own),
        depth=depth,
        parent=parent,
        order=depth_order(depth),
    )


def progress_of(goals: GoalColumns, values: FloatArray) -> FloatArray:
    """``bot.services.progress.progress`` of each goal at a value (NaN: none)."""
    base, target = goals.baseline, goals.target
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (values - base) / (target - base)
        clamped = np.where(share > 0.0, np.where(share < 1.0, share, 1.0), 0.0)
        gap = np.abs(base - target)
        close = (gap <= np.abs(_REL_TOL * base)) | (gap <= np.abs(_REL_TOL * target))
        flat = (target == base) | (np.isfinite(base) & np.isfinite(target) & close)
        reached = np.where(goals.flag(DECREASE), values <= target, values >= target)
    found = np.where(flat, reached.astype(np.float64), clamped)
    return np.where(np.isnan(base) | np.isnan(target) | np.isnan(values), np.nan, found)


def health_of(actual: FloatArray, expected: FloatArray) -> IntArray:
    """``bot.services.progress``'s computed health (a code), without the staleness check."""
    on_track = actual >= expected - ON_TRACK_MARGIN - _EPSILON
    at_risk = actual >= expected - AT_RISK_MARGIN - _EPSILON
    codes = np.where(on_track, 1, np.where(at_risk, 2, 3))
    return np.where(np.isnan(actual), 0, codes)


def standing_of(reported: IntArray, computed: IntArray, stale: BoolArray) -> IntArray:
    """Stale, else the worse of the reported and computed health, else no data (codes)."""
    return np.where(stale, STALE, np.maximum(reported, computed))


def _expected(goals: GoalColumns, window: DigestWindow, fy_start_month: int) -> FloatArray:
    """Expected progress today, computed once per period and due date."""
    today = window.at.date()
    keys = goals.period * (1 << 32) + goals.due_day
    distinct, inverse = np.unique(keys, return_inverse=True)
    values = []
    for key in distinct.tolist():
        start, end = period_bounds(goals.periods[key >> 32], fy_start_month)
        due = key & 0xFFFFFFFF
        values.append(expected_progress(start, date.fromordinal(due) if due else end, today))
    expected: FloatArray = np.array(values, dtype=np.float64)[inverse.reshape(-1)]
    return expected


def _stale(goals: GoalColumns, window: DigestWindow, fy_start_month: int) -> BoolArray:
    """No news for two cycles: since the last update, or since creation or the period's
    start (whichever is later) for a goal without updates."""
    started = [
        datetime.combine(period_bounds(period, fy_start_month)[0], time(0), tzinfo=UTC)
        < window.previous_start
        for period in goals.periods
    ]
    began_before = np.array(started, dtype=np.bool_)[goals.period]
    quiet = ~goals.flag(UPDATED_THIS_WEEK | UPDATED_LAST_WEEK)
    unheard = goals.flag(CREATED_BEFORE_PREVIOUS) & began_before
    return np.where(goals.flag(HAS_UPDATE), quiet, unheard)

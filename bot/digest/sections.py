"""The digest's sections, each a function of the measured goals (and a few lookups).

Goals are positions in the scope's columns (``Measures``); only the goals a section shows
become Python values.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Sequence

import numpy as np

from bot.digest.measure import STANDINGS, Measures, progress_of
from bot.domain.digest import (
    CsfSection,
    CsfStatus,
    ExceptionGroup,
    ExceptionItem,
    ExceptionKind,
    Headline,
    Mover,
    Standing,
    UnitCsfs,
)
from storage.repositories.digest_columns import (
    UPDATED_THIS_WEEK,
    BoolArray,
    FloatArray,
    GoalColumns,
    IntArray,
)
from storage.repositories.digest_details import CsfRow, UnitRow

SHOWN_PER_EXCEPTION = 40
"""Goals listed per kind of exception; the rest are counted."""

CONFIDENCE_DROP = 2
"""A confidence this many points below the last cycle's is an exception."""

MOVERS = 3
"""Biggest gains and drops shown."""

MOVER_THRESHOLD = 0.01
"""A change under one point of progress is not a move."""

MAX_CSFS = 3
"""A unit naming more CSFs than this is flagged: focus is two or three."""

SHOWN_CSF_UNITS = 40
"""Units whose CSFs are listed; the rest are counted."""

_BY_STANDING = {
    ExceptionKind.OFF_TRACK: Standing.OFF_TRACK,
    ExceptionKind.AT_RISK: Standing.AT_RISK,
    ExceptionKind.STALE: Standing.STALE,
}


def headline(measures: Measures, participation: tuple[int, int, int, int]) -> Headline:
    """% to objective over the scope's top goals, goals by standing, participation."""
    weights = measures.goals.weight
    tops = measures.order[measures.depth[measures.order] == 0]
    measurable = tops[~np.isnan(measures.shown[tops])]
    answered, asked, answered_before, asked_before = participation
    return Headline(
        goals=len(measures.goals),
        progress=weighted_mean(measures.shown[tops], weights[tops]),
        expected=weighted_mean(measures.expected[measurable], weights[measurable]),
        standings=measures.standings(),
        answered=answered,
        expected_answers=asked,
        answered_before=answered_before,
        expected_before=asked_before,
    )


def weighted_mean(values: FloatArray, weights: FloatArray) -> float | None:
    """The weighted mean of the values that exist (weights of 0 leave a value out), added up
    in order as Python's ``sum`` would."""
    kept = ~np.isnan(values) & (weights > 0)
    total = _sum(weights[kept])
    return _sum(values[kept] * weights[kept]) / total if total > 0 else None


def _sum(values: FloatArray) -> float:
    """The sum, left to right (``np.sum`` adds pairwise: other floats)."""
    return float(np.cumsum(values)[-1]) if len(values) else 0.0


def confidence_pairs(goals: GoalColumns) -> tuple[FloatArray, FloatArray]:
    """Each goal's confidence before this cycle and the one given this cycle (NaN: none; an
    answer without a confidence, such as "no change", says nothing new about it)."""
    now = np.where(goals.flag(UPDATED_THIS_WEEK), goals.confidence, np.nan)
    return goals.confidence_before, now


def exceptions(measures: Measures, long_blocked: Collection[int]) -> tuple[ExceptionGroup, ...]:
    """Off track, at risk, stale, falling confidence, long blockers: most important first."""
    goals = measures.goals
    before, now = confidence_pairs(goals)
    paired = ~np.isnan(before) & ~np.isnan(now)
    found: dict[ExceptionKind, BoolArray] = {
        kind: measures.standing == STANDINGS.index(standing)
        for kind, standing in _BY_STANDING.items()
    }
    found[ExceptionKind.CONFIDENCE] = paired & (before - now >= CONFIDENCE_DROP)
    found[ExceptionKind.BLOCKED] = np.isin(goals.id, np.fromiter(long_blocked, np.int64))
    groups = []
    for kind, mask in found.items():
        lines = tuple(
            ExceptionItem(
                measures.line(at),
                confidence=(int(before[at]), int(now[at])) if paired[at] else None,
            )
            for at in measures.ranked(mask)[:SHOWN_PER_EXCEPTION].tolist()
        )
        groups.append(ExceptionGroup(kind, lines, int(mask.sum())))
    return tuple(groups)


def movers(measures: Measures) -> tuple[tuple[Mover, ...], tuple[Mover, ...]]:
    """The biggest gains and drops of own progress this cycle."""
    goals, after = measures.goals, measures.progress
    before = progress_of(goals, goals.value_before)
    change = after - before
    with np.errstate(invalid="ignore"):
        moved = goals.flag(UPDATED_THIS_WEEK) & (goals.value != goals.value_before)
        moved &= ~np.isnan(change) & (np.abs(change) >= MOVER_THRESHOLD)
    gains = _biggest(np.flatnonzero(moved & (change > 0)), -change, goals.id)
    drops = _biggest(np.flatnonzero(moved & (change < 0)), change, goals.id)

    def listed(found: list[int]) -> tuple[Mover, ...]:
        return tuple(Mover(measures.line(at), float(before[at]), float(after[at])) for at in found)

    return listed(gains), listed(drops)


def _biggest(found: IntArray, key: FloatArray, ids: IntArray) -> list[int]:
    """The MOVERS positions with the smallest key (then the smallest id)."""
    biggest: list[int] = found[np.lexsort((ids[found], key[found]))][:MOVERS].tolist()
    return biggest


def csf_section(measures: Measures, units: Sequence[UnitRow], csfs: Sequence[CsfRow]) -> CsfSection:
    """Each unit's CSFs with the rolled-up progress of the goals serving them."""
    served = _csf_progress(measures)
    by_unit: dict[int, list[CsfRow]] = defaultdict(list)
    for csf in csfs:
        by_unit[csf.unit_id].append(csf)
    with_goals = set(np.unique(measures.goals.unit_id).tolist())
    with_csfs = [unit for unit in units if by_unit[unit.id]]
    shown = [
        UnitCsfs(unit.name, tuple(_csf_status(csf, served) for csf in by_unit[unit.id]))
        for unit in with_csfs[:SHOWN_CSF_UNITS]
    ]
    return CsfSection(
        units=tuple(shown),
        total_units=len(with_csfs),
        too_many=tuple(unit.name for unit in units if _too_many(by_unit[unit.id])),
        without=tuple(
            unit.name for unit in units if unit.id in with_goals and not by_unit[unit.id]
        ),
    )


def _csf_progress(measures: Measures) -> dict[int, tuple[int, float | None]]:
    """For each CSF some goal serves: how many do, and their weighted mean progress (added
    in tree order, as a loop over the goals would)."""
    goals = measures.goals
    serving = measures.order[goals.csf_id[measures.order] >= 0]
    csf_ids, inverse = np.unique(goals.csf_id[serving], return_inverse=True)
    inverse = inverse.reshape(-1)
    size = len(csf_ids)
    progress, weights = measures.shown[serving], goals.weight[serving]
    kept = ~np.isnan(progress) & (weights > 0)
    totals = np.bincount(inverse[kept], weights=weights[kept], minlength=size)
    sums = np.bincount(inverse[kept], weights=progress[kept] * weights[kept], minlength=size)
    counts = np.bincount(inverse, minlength=size)
    return {
        csf_id: (count, sums[k] / totals[k] if totals[k] > 0 else None)
        for k, (csf_id, count) in enumerate(zip(csf_ids.tolist(), counts.tolist(), strict=True))
    }


def _csf_status(csf: CsfRow, served: dict[int, tuple[int, float | None]]) -> CsfStatus:
    count, value = served.get(csf.id, (0, None))
    return CsfStatus(
        csf.rank, csf.title, csf.period, None if value is None else float(value), count
    )


def _too_many(csfs: Collection[CsfRow]) -> bool:
    return any(count > MAX_CSFS for count in Counter(csf.period for csf in csfs).values())


def scope_units(units: Sequence[UnitRow], root_id: int | None) -> list[UnitRow]:
    """The units of a scope in tree order (the whole tree when `root_id` is None)."""
    children: dict[int | None, list[UnitRow]] = defaultdict(list)
    known = {unit.id for unit in units}
    for unit in units:
        children[unit.parent_id if unit.parent_id in known else None].append(unit)
    starts = [unit for unit in units if unit.id == root_id] if root_id else children[None]
    ordered: list[UnitRow] = []
    seen: set[int] = set()
    stack = list(reversed(starts))
    while stack:
        unit = stack.pop()
        if unit.id not in seen:
            seen.add(unit.id)
            ordered.append(unit)
            stack.extend(reversed(children[unit.id]))
    return ordered

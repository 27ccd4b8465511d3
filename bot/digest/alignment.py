"""Alignment and rhythm: who serves a company goal, and who keeps the check-in rhythm."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np

from bot.digest.measure import Measures
from bot.domain.digest import Alignment, GoalLine, Rhythm
from storage.repositories.digest_columns import (
    CREATED_BEFORE_PREVIOUS,
    CREATED_BEFORE_WEEK,
    UPDATED_LAST_WEEK,
    UPDATED_THIS_WEEK,
    BoolArray,
    GoalColumns,
    IntArray,
)

SHOWN_GAPS = 25
"""Orphan goals, and top goals nobody supports, listed; the rest are counted."""

SHOWN_PEOPLE = 60
"""People named as having answered, or as having missed twice; the rest are counted."""

MAX_DEPTH = 64  # a guard against a loop of parents in corrupted data


def alignment(
    measures: Measures,
    above: Mapping[int, tuple[int | None, int]],
    company_units: Collection[int],
    top_units: Collection[int],
    top_label: str,
) -> Alignment:
    """The share of goals whose chain of parents reaches a company goal, orphans (no parent,
    not a company goal) and the top units' goals that no goal of the scope serves.

    `above` maps the goals above the scope to (parent id, unit id).
    """
    goals = measures.goals
    alignable = ~np.isin(goals.unit_id, _ids(company_units))
    aligned = _aligned(measures, alignable, _Reach(above, company_units))
    orphans = alignable & (goals.parent_id < 0)
    unsupported = np.isin(goals.unit_id, _ids(top_units)) & ~np.isin(goals.id, goals.parent_id)
    return Alignment(
        aligned=int((aligned & alignable).sum()),
        alignable=int(alignable.sum()),
        orphans=_lines(measures, orphans),
        orphan_total=int(orphans.sum()),
        unsupported=_lines(measures, unsupported),
        unsupported_total=int(unsupported.sum()),
        top_label=top_label,
    )


def _aligned(measures: Measures, alignable: BoolArray, reach: _Reach) -> BoolArray:
    """Whether each goal is a company goal or serves one, a depth at a time: a top goal of the
    scope by following its parents above the scope, any other goal as its parent does."""
    aligned = ~alignable
    parent_ids, depth = measures.goals.parent_id, measures.depth
    tops = np.flatnonzero(alignable & (depth == 0))
    aligned[tops] = [reach(parent if parent >= 0 else None) for parent in parent_ids[tops].tolist()]
    for level in range(1, int(depth.max(initial=0)) + 1):
        below = np.flatnonzero(alignable & (depth == level))
        aligned[below] = aligned[measures.parent[below]]
    return aligned


def _lines(measures: Measures, mask: BoolArray) -> tuple[GoalLine, ...]:
    return tuple(measures.line(at) for at in measures.ranked(mask)[:SHOWN_GAPS].tolist())


def _ids(values: Collection[int]) -> IntArray:
    return np.fromiter(values, dtype=np.int64)


class _Reach:
    """Whether a goal outside the scope is a company goal or sits under one, remembered."""

    def __init__(
        self, parents: Mapping[int, tuple[int | None, int]], company_units: Collection[int]
    ) -> None:
        self._parents = parents
        self._company = company_units
        self._known: dict[int, bool] = {}

    def __call__(self, goal_id: int | None) -> bool:
        path: list[int] = []
        node = goal_id
        answer = False
        while node is not None and node in self._parents and len(path) < MAX_DEPTH:
            if node in self._known:
                answer = self._known[node]
                break
            path.append(node)
            parent, unit = self._parents[node]
            if unit in self._company:
                answer = True
                break
            node = parent
        self._known.update(dict.fromkeys(path, answer))
        return answer


ASKED, ASKED_BEFORE, ANSWERED, ANSWERED_BEFORE = 1, 2, 4, 8
"""Bits of an owner's rhythm: expected to answer this cycle (owned a goal before it began),
expected last cycle, answered this cycle (updated a goal), answered last cycle."""


def rhythm(owners: Mapping[int, int], cycle: str) -> Rhythm:
    """Who updated a goal this cycle; who, expected both cycles, updated none in either."""
    asked = [pid for pid, bits in owners.items() if bits & ASKED]
    answered = sorted(pid for pid in asked if owners[pid] & ANSWERED)
    missed = sorted(
        pid
        for pid, bits in owners.items()
        if bits & ASKED_BEFORE and not bits & (ANSWERED | ANSWERED_BEFORE)
    )
    return Rhythm(
        answered=tuple(answered[:SHOWN_PEOPLE]),
        answered_total=len(answered),
        expected=len(asked),
        missed_twice=tuple(missed[:SHOWN_PEOPLE]),
        missed_total=len(missed),
        cycle=cycle,
    )


def participation(owners: Mapping[int, int]) -> tuple[int, int, int, int]:
    """(answered, asked) this cycle and (answered, asked) last cycle, counting owners."""
    found = owners.values()
    return (
        sum(1 for bits in found if bits & ASKED and bits & ANSWERED),
        sum(1 for bits in found if bits & ASKED),
        sum(1 for bits in found if bits & ASKED_BEFORE and bits & ANSWERED_BEFORE),
        sum(1 for bits in found if bits & ASKED_BEFORE),
    )


def owners_of(goals: GoalColumns, away: Collection[int]) -> dict[int, int]:
    """Each owner not away, with the bits of their rhythm (see ``ASKED``)."""
    bits = (
        np.where(goals.flag(CREATED_BEFORE_WEEK), ASKED, 0)
        | np.where(goals.flag(CREATED_BEFORE_PREVIOUS), ASKED_BEFORE, 0)
        | np.where(goals.flag(UPDATED_THIS_WEEK), ANSWERED, 0)
        | np.where(goals.flag(UPDATED_LAST_WEEK), ANSWERED_BEFORE, 0)
    )
    owner_ids, inverse = np.unique(goals.owner_id, return_inverse=True)
    found = np.zeros(len(owner_ids), dtype=np.int64)
    np.bitwise_or.at(found, inverse.reshape(-1), bits)
    owners = dict(zip(owner_ids.tolist(), found.tolist(), strict=True))
    for person in away:
        owners.pop(person, None)
    return owners

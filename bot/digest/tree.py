"""The goal tree of a scope as arrays: each goal's parent, its depth, and roll-ups by depth.

A goal is its position in the scope's columns; a parent outside the scope (or none) is -1.
Depths are computed a level at a time, and roll-ups a depth at a time, deepest first, so a
company of tens of thousands of goals takes a few array passes per level of the tree.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from storage.repositories.digest_columns import FloatArray, IntArray


def parent_positions(ids: IntArray, parent_ids: IntArray) -> IntArray:
    """Each goal's parent's position in the scope; -1 when it has none or it is outside."""
    if not len(ids):
        return np.full(0, -1, dtype=np.int64)
    by_id = np.argsort(ids, kind="stable")
    slot = np.minimum(np.searchsorted(ids[by_id], parent_ids), len(ids) - 1)
    found = (ids[by_id][slot] == parent_ids) & (parent_ids >= 0)
    return np.where(found, by_id[slot], -1)


def depths(ids: IntArray, parent_ids: IntArray, parents: IntArray) -> IntArray:
    """Each goal's depth under the scope's top goals (a goal whose parent is outside is 0);
    goals on or under a loop of parents (corrupted data) get :func:`goal_depths`'s."""
    depth = np.where(parents < 0, 0, -1)
    pending = np.flatnonzero(parents >= 0)
    level = 0
    while len(pending):
        ready = depth[parents[pending]] == level
        if not ready.any():
            break
        level += 1
        depth[pending[ready]] = level
        pending = pending[~ready]
    if len(pending):
        looped = goal_depths({int(ids[at]): int(parent_ids[at]) for at in pending})
        depth[pending] = [looped[int(ids[at])] for at in pending]
    return depth


def goal_depths(parents: Mapping[int, int | None]) -> dict[int, int]:
    """Each goal's depth under the scope's top goals, walking up from each goal in turn (the
    rule for a loop of parents: where the walk started decides where the loop is cut)."""
    found: dict[int, int] = {}
    for start in parents:
        path: list[int] = []
        node: int | None = start
        while node is not None and node in parents and node not in found and node not in path:
            path.append(node)
            node = parents[node]
        base = found[node] if node is not None and node in found else -1
        for offset, goal_id in enumerate(reversed(path)):
            found[goal_id] = base + 1 + offset
    return found


def depth_order(depth: IntArray) -> IntArray:
    """Positions shallowest first, in row order within a depth."""
    return np.argsort(depth, kind="stable")


def rollup(own: FloatArray, weights: FloatArray, parents: IntArray, depth: IntArray) -> FloatArray:
    """``bot.services.progress.rollup``'s rule a depth at a time, deepest first: a goal with
    measurable children (weight > 0) is worth their weighted mean, else its own progress.

    Sums are added child by child, deepest first and in reverse row order within a depth, as
    a one-pass loop over the goals would (``np.bincount`` adds in order): the same floats.
    """
    size = len(own)
    rolled = own.copy()
    weight_sums, value_sums = np.zeros(size), np.zeros(size)
    for level in range(int(depth.max(initial=-1)), -1, -1):
        at = np.flatnonzero(depth == level)[::-1]
        measured = weight_sums[at] > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            rolled[at] = np.where(measured, value_sums[at] / weight_sums[at], own[at])
        up = parents[at]
        gives = at[~np.isnan(rolled[at]) & (weights[at] > 0) & (up >= 0) & (up != at)]
        weight_sums += np.bincount(parents[gives], weights=weights[gives], minlength=size)
        value_sums += np.bincount(
            parents[gives], weights=rolled[gives] * weights[gives], minlength=size
        )
    return rolled

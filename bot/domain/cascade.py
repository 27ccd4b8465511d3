"""The cascade's rules, pure: where a goal may align, and no cycles in the tree."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.domain.periods import Period


def alignment_problem(
    *,
    child_period: Period,
    child_unit_id: int,
    parent_period: Period,
    parent_unit_id: int,
    unit_parent: Callable[[int], int | None],
) -> str | None:
    """Why a goal may not align to a parent, or None when it may.

    The parent must be in the same or an enclosing period (a year encloses its quarters)
    and in the same unit or a unit above the child's (an ancestor in the org tree).
    """
    if not parent_period.encloses(child_period):
        return (
            f"the parent's period {parent_period} does not contain {child_period}: "
            "align to a goal of the same period or its fiscal year"
        )
    unit: int | None = child_unit_id
    while unit is not None:
        if unit == parent_unit_id:
            return None
        unit = unit_parent(unit)
    return "the parent belongs to a unit that is not this goal's unit or one above it"


def creates_cycle(
    *, goal_id: int | str, new_parent_id: int | str, parent_of: Mapping[int | str, int | str | None]
) -> bool:
    """True when making ``new_parent_id`` the parent of ``goal_id`` would close a loop."""
    seen: set[int | str] = set()
    node: int | str | None = new_parent_id
    while node is not None and node not in seen:
        if node == goal_id:
            return True
        seen.add(node)
        node = parent_of.get(node)
    return node is not None and node == goal_id


def find_cycle(parent_of: Mapping[str, str | None]) -> list[str] | None:
    """One loop in a child → parent mapping, as the keys along it, or None."""
    done: set[str] = set()
    for start in parent_of:
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in done:
            if node in path:
                return [*path[path.index(node) :], node]
            path.append(node)
            node = parent_of.get(node)
        done.update(path)
    return None

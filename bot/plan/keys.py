"""Keyed entries: duplicates and loops, reported once each at their line in the file."""

from __future__ import annotations

from bot.domain.cascade import find_cycle
from bot.plan.errors import PlanError
from bot.plan.model import Entry


def unique(entries: list[Entry], what: str, errors: list[PlanError] | None) -> dict[str, Entry]:
    """Entries by key; a repeated key is an error (recorded when ``errors`` is given)."""
    first: dict[str, Entry] = {}
    for entry in entries:
        key = entry.key
        if key is None:
            continue
        if key not in first:
            first[key] = entry
        elif errors is not None:
            line = first[key].where.line
            errors.append(
                entry.at("key").error(f"duplicate {what} key '{key}' (first at line {line})")
            )
    return first


def report_cycles(
    parent_of: dict[str, str | None], entries: dict[str, Entry], field: str, errors: list[PlanError]
) -> bool:
    """Report each loop in a child → parent mapping once, at its first entry in the file."""
    graph, found = dict(parent_of), False
    while (cycle := find_cycle(graph)) is not None:
        found = True
        loop = cycle[:-1]
        members = [(key, entries[key]) for key in loop if key in entries]
        members = [(key, entry) for key, entry in members if field in entry.src]
        if members:
            key, anchor = min(members, key=lambda member: member[1].where.line)
            start = loop.index(key)
            path = [*loop[start:], *loop[:start], loop[start]]
            errors.append(anchor.at(field).error(f"cycle: {' → '.join(path)}"))
        graph[loop[-1]] = None
    return found

"""The goal checks: references, CSFs of the goal's own unit, no cycles, the cascade rule."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.cascade import alignment_problem
from bot.domain.periods import Period, PeriodError, parse_period
from bot.plan.errors import PlanError
from bot.plan.keys import report_cycles, unique
from bot.plan.model import Entry, Plan
from bot.plan.people import People
from storage.repositories.plan import ExistingPlan


@dataclass
class GoalNode:
    """A goal after the import (stored, from the file, or both), by unit and CSF key."""

    parent: str | None
    unit: str | None
    period: str | None
    csf: str | None
    entry: Entry | None = None


def check_goals(
    plan: Plan,
    existing: ExistingPlan,
    *,
    people: People,
    unit_parent: dict[str, str | None],
    csfs: dict[str, tuple[str | None, str | None]],
    errors: list[PlanError],
    unit_tree_ok: bool,
) -> None:
    """Record every problem with the file's goals in the merged goal tree."""
    entries = unique(plan.goals, "goal", errors)
    nodes = _stored_nodes(existing)
    for key, entry in entries.items():
        nodes[key] = _overlay(nodes.get(key), entry)
    for node in (nodes[key] for key in entries):
        _check_references(node, nodes, people, unit_parent, csfs, errors)
    report_cycles({label: node.parent for label, node in nodes.items()}, entries, "parent", errors)
    if unit_tree_ok:
        _check_alignment(nodes, UnitIndex.of(unit_parent), errors)


def _stored_nodes(existing: ExistingPlan) -> dict[str, GoalNode]:
    unit_key = {row["id"]: str(row["key"]) for row in existing.units}
    csf_key = {row["id"]: str(row["key"]) for row in existing.csfs}
    label = {row["id"]: str(row["key"] or f"G-{row['number']}") for row in existing.goals}
    return {
        label[row["id"]]: GoalNode(
            parent=label.get(row["parent_id"]),
            unit=unit_key.get(row["unit_id"]),
            period=str(row["period"]),
            csf=csf_key.get(row["csf_id"]),
        )
        for row in existing.goals
    }


def _overlay(stored: GoalNode | None, entry: Entry) -> GoalNode:
    node = stored or GoalNode(None, None, None, None)
    for name in ("parent", "unit", "period", "csf"):
        if name in entry.values:
            setattr(node, name, entry.values[name])
        elif name in entry.invalid:
            setattr(node, name, None)
    node.entry = entry
    return node


def _check_references(
    node: GoalNode,
    nodes: dict[str, GoalNode],
    people: People,
    unit_parent: dict[str, str | None],
    csfs: dict[str, tuple[str | None, str | None]],
    errors: list[PlanError],
) -> None:
    entry = node.entry
    assert entry is not None
    owner = entry.get("owner")
    if owner is not None and people.resolve(owner) is None:
        errors.append(entry.at("owner").error(people.unknown(owner)))
    if node.unit is not None and node.unit not in unit_parent:
        errors.append(entry.at("unit").error(f"unknown unit '{node.unit}'"))
        node.unit = None
    if node.parent is not None and node.parent not in nodes:
        errors.append(entry.at("parent").error(f"unknown goal '{node.parent}'"))
        node.parent = None
    if node.csf is not None:
        problem = _csf_problem(node, csfs)
        if problem:
            errors.append(entry.at("csf").error(problem))


def _csf_problem(node: GoalNode, csfs: dict[str, tuple[str | None, str | None]]) -> str | None:
    if node.csf not in csfs:
        return f"unknown CSF '{node.csf}'"
    unit, period = csfs[node.csf]
    if node.unit is not None and unit is not None and unit != node.unit:
        return f"CSF '{node.csf}' belongs to unit '{unit}', not to this goal's unit '{node.unit}'"
    csf_period, goal_period = _period(period), _period(node.period)
    if csf_period and goal_period and not csf_period.encloses(goal_period):
        return f"CSF '{node.csf}' is for {csf_period}, which does not contain {goal_period}"
    return None


def _check_alignment(nodes: dict[str, GoalNode], units: UnitIndex, errors: list[PlanError]) -> None:
    for label, node in nodes.items():
        parent = nodes.get(node.parent) if node.parent else None
        if parent is None or (node.entry is None and parent.entry is None):
            continue
        problem = _alignment(node, parent, units)
        if problem is None:
            continue
        if node.entry is not None:
            errors.append(node.entry.at("parent").error(problem))
        elif parent.entry is not None:
            errors.append(parent.entry.where.error(f"{label}, aligned to this goal: {problem}"))


def _alignment(node: GoalNode, parent: GoalNode, units: UnitIndex) -> str | None:
    child_period, parent_period = _period(node.period), _period(parent.period)
    child_unit, parent_unit = units.number(node.unit), units.number(parent.unit)
    if child_period is None or parent_period is None or child_unit is None or parent_unit is None:
        return None
    return alignment_problem(
        child_period=child_period,
        child_unit_id=child_unit,
        parent_period=parent_period,
        parent_unit_id=parent_unit,
        unit_parent=units.parents.get,
    )


def _period(text: str | None) -> Period | None:
    try:
        return parse_period(text) if text else None
    except PeriodError:
        return None


@dataclass
class UnitIndex:
    """The merged unit tree with a number per key, as ``alignment_problem`` wants."""

    numbers: dict[str, int]
    parents: dict[int, int | None]

    @classmethod
    def of(cls, unit_parent: dict[str, str | None]) -> UnitIndex:
        """Number every unit key and map each number to its parent's."""
        numbers = {key: index for index, key in enumerate(unit_parent)}
        parents = {numbers[key]: numbers.get(parent or "") for key, parent in unit_parent.items()}
        return cls(numbers, parents)

    def number(self, key: str | None) -> int | None:
        """A unit's number, or None when unknown."""
        return self.numbers.get(key) if key else None

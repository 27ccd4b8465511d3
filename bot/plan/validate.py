"""Check a parsed plan against itself and the workspace, collecting every problem.

References (parents, units, owners, leads, managers, CSFs) resolve against the file and
what is already stored; the merged result must be a tree that follows the cascade rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.plan.errors import PlanError
from bot.plan.keys import report_cycles, unique
from bot.plan.model import Entry, Plan
from bot.plan.people import People
from bot.plan.validate_goals import check_goals
from storage.repositories.plan import ExistingPlan


@dataclass
class Checked:
    """What validation learned that loading needs, and the problems it found."""

    people: People
    errors: list[PlanError] = field(default_factory=list)


def validate(plan: Plan, existing: ExistingPlan) -> Checked:
    """Every problem with ``plan`` given what the workspace holds (empty list: loadable)."""
    errors: list[PlanError] = []
    people = People(plan.people, existing.people, errors)
    unit_parent = _unit_tree(plan, existing, people, errors)
    tree_ok = not report_cycles(unit_parent, unique(plan.units, "unit", errors), "parent", errors)
    _check_people(plan, existing, people, unit_parent, errors)
    csfs = _csf_places(plan, existing, unit_parent, errors)
    check_goals(
        plan,
        existing,
        people=people,
        unit_parent=unit_parent,
        csfs=csfs,
        errors=errors,
        unit_tree_ok=tree_ok,
    )
    return Checked(people, errors)


def _unit_tree(
    plan: Plan, existing: ExistingPlan, people: People, errors: list[PlanError]
) -> dict[str, str | None]:
    key_of = {row["id"]: str(row["key"]) for row in existing.units}
    parent_of = {str(row["key"]): key_of.get(row["parent_id"]) for row in existing.units}
    entries = unique(plan.units, "unit", None)
    for key, entry in entries.items():
        parent_of[key] = entry.get("parent") if "parent" in entry.values else parent_of.get(key)
    for key, entry in entries.items():
        parent, lead = entry.get("parent"), entry.get("lead")
        if parent is not None and parent not in parent_of:
            errors.append(entry.at("parent").error(f"unknown unit '{parent}'"))
            parent_of[key] = None
        if lead is not None and people.resolve(lead) is None:
            errors.append(entry.at("lead").error(people.unknown(lead)))
    return parent_of


def _check_people(
    plan: Plan,
    existing: ExistingPlan,
    people: People,
    unit_parent: dict[str, str | None],
    errors: list[PlanError],
) -> None:
    slack_of = {row["id"]: str(row["slack_user_id"]) for row in existing.people}
    manager_of = {slack_of[row["id"]]: slack_of.get(row["manager_id"]) for row in existing.people}
    for match in people.matches:
        entry, unit = match.entry, match.entry.get("unit")
        if unit is not None and unit not in unit_parent:
            errors.append(entry.at("unit").error(f"unknown unit '{unit}'"))
        if "manager" in entry.values:
            manager_of[match.slack_user_id] = _manager(entry, people, errors)
        else:
            manager_of.setdefault(match.slack_user_id, None)
    entries = {match.slack_user_id: match.entry for match in people.matches}
    report_cycles(manager_of, entries, "manager", errors)


def _manager(entry: Entry, people: People, errors: list[PlanError]) -> str | None:
    manager = entry.get("manager")
    if manager is None:
        return None
    handle = people.resolve(manager)
    if handle is None:
        errors.append(entry.at("manager").error(people.unknown(manager)))
    return handle


def _csf_places(
    plan: Plan, existing: ExistingPlan, unit_parent: dict[str, str | None], errors: list[PlanError]
) -> dict[str, tuple[str | None, str | None]]:
    key_of = {row["id"]: str(row["key"]) for row in existing.units}
    places: dict[str, tuple[str | None, str | None]] = {
        str(row["key"]): (key_of.get(row["unit_id"]), str(row["period"])) for row in existing.csfs
    }
    for key, entry in unique(plan.csfs, "CSF", errors).items():
        unit, period = entry.get("unit"), entry.get("period")
        if unit is not None and unit not in unit_parent:
            errors.append(entry.at("unit").error(f"unknown unit '{unit}'"))
            unit = None
        stored_unit, stored_period = places.get(key, (None, None))
        places[key] = (unit or stored_unit, period or stored_period)
    return places

"""The org tree and its people: units up to `depth` levels under the company, each with a lead.

Units are planned level by level (the company, then business units, divisions, departments,
teams, squads), so a unit's parent always comes first; so do people: every unit's lead first,
in unit order, then the members, so a manager is always written before the people they manage.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bench.orggen.timeline import Timeline, split
from bench.orggen.vocabulary import (
    BUSINESS_UNITS,
    COMPANY_NAME,
    FIRST_NAMES,
    LAST_NAMES,
    LEVEL_NOUNS,
    NO_TZ_SHARE,
    QUALIFIERS,
    ZONES,
)
from storage.models import Role

# Share of the units below the company at levels 2..6: few business units, many teams.
LEVEL_WEIGHTS = (0.006, 0.035, 0.14, 0.37, 0.449)
# How many members a unit of each level draws, relative to the others (teams are bigger).
MEMBER_WEIGHTS = {1: 2.0, 2: 3.0, 3: 4.0, 4: 5.0, 5: 7.0, 6: 7.0}
CHECKIN_TIMES = ("09:00", "09:30", "11:00", "14:00", "16:00")


@dataclass
class UnitPlan:
    """A unit to write, and who is in it."""

    id: int
    key: str
    name: str
    parent_id: int | None
    level: int
    lead_id: int = 0
    members: list[int] = field(default_factory=list)  # person ids, lead first


@dataclass
class PersonPlan:
    """A person to write, and how diligently they answer check-ins (not stored)."""

    id: int
    slack_user_id: str
    name: str
    email: str
    tz: str | None
    unit_id: int
    manager_id: int | None
    role: Role
    checkin_weekday: int | None
    checkin_time: str | None
    away_until: date | None
    answer_rate: float  # share of check-ins answered
    silent_since: datetime | None  # a stale owner: no update after this instant


def plan_units(rng: random.Random, count: int, depth: int, first_id: int) -> list[UnitPlan]:
    """`count` units in a tree `depth` levels deep (fewer when there are too few units)."""
    depth = max(1, min(depth, count, len(LEVEL_WEIGHTS) + 1))
    company = UnitPlan(first_id, "company", COMPANY_NAME, None, 1)
    units, above = [company], [company]
    sizes = split(count - 1, LEVEL_WEIGHTS[: depth - 1], minimum=1) if depth > 1 else []
    for level, size in enumerate(sizes, start=2):
        parents = _parents(rng, above, size)
        level_units = [
            UnitPlan(first_id + len(units) + n, "", _unit_name(level, n), parent.id, level)
            for n, parent in enumerate(parents)
        ]
        for unit in level_units:
            unit.key = _slug(unit.name)
        units.extend(level_units)
        above = level_units
    return units


def _parents(rng: random.Random, above: list[UnitPlan], size: int) -> list[UnitPlan]:
    """A parent for each of `size` new units: every unit above gets one first, then at random."""
    first = above[:size]
    rest = [rng.choice(above) for _ in range(size - len(first))]
    return sorted(first + rest, key=lambda unit: unit.id)


def _unit_name(level: int, index: int) -> str:
    if level == 2:
        name = BUSINESS_UNITS[index % len(BUSINESS_UNITS)]
        return name if index < len(BUSINESS_UNITS) else f"{name} {index // len(BUSINESS_UNITS) + 1}"
    qualifier = QUALIFIERS[(index * 7 + level) % len(QUALIFIERS)]
    return f"{qualifier} {LEVEL_NOUNS[level]} {index + 1}"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64]


def plan_people(
    rng: random.Random,
    units: list[UnitPlan],
    count: int,
    zones: int,
    timeline: Timeline,
    first_id: int,
) -> list[PersonPlan]:
    """`count` people: a lead for every unit, the others spread over the units (teams most)."""
    if count < len(units):
        raise ValueError(f"{count} people cannot lead {len(units)} units: one lead per unit")
    weights = [MEMBER_WEIGHTS[unit.level] for unit in units]
    homes = units + sorted(
        rng.choices(units, weights=weights, k=count - len(units)), key=lambda u: u.id
    )
    by_id = {unit.id: unit for unit in units}
    zone_names = [name for name, _ in ZONES[: max(1, zones)]]
    zone_weights = [weight for _, weight in ZONES[: max(1, zones)]]
    people = []
    for index, unit in enumerate(homes):
        person_id = first_id + index
        if index < len(units):
            unit.lead_id = person_id
            manager = by_id[unit.parent_id].lead_id if unit.parent_id is not None else None
        else:
            manager = unit.lead_id
        unit.members.append(person_id)
        tz = None if rng.random() < NO_TZ_SHARE else rng.choices(zone_names, zone_weights)[0]
        people.append(_person(rng, person_id, index, unit, manager, tz, timeline))
    _name_admins(people, units[0])
    return people


def _person(
    rng: random.Random,
    person_id: int,
    index: int,
    unit: UnitPlan,
    manager: int | None,
    tz: str | None,
    timeline: Timeline,
) -> PersonPlan:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    custom = rng.random() < 0.08
    away = rng.random() < 0.02
    habit = rng.random()
    silent = None
    if habit >= 0.88:  # stale: stopped answering weeks ago
        silent = timeline.now - timedelta(days=rng.randint(21, 70), hours=rng.randint(0, 23))
    leader = person_id == unit.lead_id and unit.level <= 2
    return PersonPlan(
        id=person_id,
        slack_user_id=f"UG{index + 1:07d}",
        name=f"{first} {last}",
        email=f"{first}.{last}.{index + 1}@globex.example".lower(),
        tz=tz,
        unit_id=unit.id,
        manager_id=manager,
        role=Role.EXECUTIVE if leader else Role.MEMBER,
        checkin_weekday=rng.randint(0, 4) if custom else None,
        checkin_time=rng.choice(CHECKIN_TIMES) if custom else None,
        away_until=timeline.now.date() + timedelta(days=rng.randint(1, 14)) if away else None,
        answer_rate=0.92 if habit < 0.72 else (0.5 if habit < 0.88 else 0.85),
        silent_since=silent,
    )


def _name_admins(people: list[PersonPlan], company: UnitPlan) -> None:
    """Two admins among the company's own staff (its lead when there is nobody else)."""
    staff = [pid for pid in company.members if pid != company.lead_id][:2] or [company.lead_id]
    by_id = {person.id: person for person in people}
    for pid in staff:
        by_id[pid].role = Role.ADMIN

"""Test-data builders: workspaces, units, people, CSFs, goals and updates, made directly.

Each builder adds its row to the session and flushes (so it has an id) but never commits:
wrap them in ``storage.db.unit_of_work(engine)`` or commit the test session yourself.
``make_org`` builds a small company most service tests can share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from storage.db import unit_of_work
from storage.models import Csf, Goal, GoalUpdate, Person, Role, Unit, UpdateSource, Workspace
from storage.repositories.goals import next_goal_number

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
TEAM = "T0001"
OTHER_TEAM = "T0002"


def make_workspace(session: Session, team_id: str = TEAM, **fields: Any) -> Workspace:
    """A workspace with default settings (override any field)."""
    workspace = Workspace(id=team_id, name=fields.pop("name", team_id), created_at=NOW, **fields)
    session.add(workspace)
    session.flush()
    return workspace


def make_unit(
    session: Session,
    key: str,
    *,
    team_id: str = TEAM,
    name: str | None = None,
    parent: Unit | None = None,
    lead: Person | None = None,
) -> Unit:
    """A unit, optionally under a parent and with a lead."""
    unit = Unit(
        team_id=team_id,
        key=key,
        name=name or key.title(),
        parent_id=parent.id if parent is not None else None,
        lead_id=lead.id if lead is not None else None,
        created_at=NOW,
    )
    session.add(unit)
    session.flush()
    return unit


def make_person(
    session: Session,
    slack_user_id: str,
    *,
    team_id: str = TEAM,
    name: str | None = None,
    role: Role = Role.MEMBER,
    unit: Unit | None = None,
    **fields: Any,
) -> Person:
    """A person, optionally in a unit and with a role."""
    person = Person(
        team_id=team_id,
        slack_user_id=slack_user_id,
        name=name if name is not None else slack_user_id,
        role=role,
        unit_id=unit.id if unit is not None else None,
        created_at=NOW,
        updated_at=NOW,
        **fields,
    )
    session.add(person)
    session.flush()
    return person


def lead(session: Session, unit: Unit, person: Person) -> Unit:
    """Make a person the lead of a unit."""
    unit.lead_id = person.id
    session.add(unit)
    session.flush()
    return unit


def make_csf(
    session: Session, unit: Unit, title: str, *, period: str = "2027-Q1", rank: int = 1
) -> Csf:
    """A CSF of a unit for a period."""
    csf = Csf(
        team_id=unit.team_id,
        key=f"{unit.key}-{period}-{rank}-{title[:8]}",
        unit_id=unit.id or 0,
        period=period,
        rank=rank,
        title=title,
        created_at=NOW,
    )
    session.add(csf)
    session.flush()
    return csf


def make_goal(
    session: Session,
    owner: Person,
    unit: Unit,
    *,
    title: str = "A goal",
    number: int | None = None,
    period: str = "2027-Q1",
    parent: Goal | None = None,
    **fields: Any,
) -> Goal:
    """A goal (numbered after the workspace's highest unless given)."""
    goal = Goal(
        team_id=unit.team_id,
        number=number if number is not None else _next_number(session, unit.team_id),
        title=title,
        owner_id=owner.id or 0,
        unit_id=unit.id or 0,
        period=period,
        parent_id=parent.id if parent is not None else None,
        created_at=fields.pop("created_at", NOW),
        updated_at=NOW,
        **fields,
    )
    session.add(goal)
    session.flush()
    return goal


def make_update(
    session: Session,
    goal: Goal,
    value: float | None,
    *,
    at: datetime = NOW,
    source: UpdateSource = UpdateSource.COMMAND,
    **fields: Any,
) -> GoalUpdate:
    """A progress update on a goal at a given time."""
    update = GoalUpdate(
        team_id=goal.team_id, goal_id=goal.id or 0, value=value, source=source, created_at=at,
        **fields,
    )  # fmt: skip
    session.add(update)
    session.flush()
    return update


@dataclass
class Org:
    """Acme: company > Sales > EMEA, and Marketing; an admin, an executive, leads, members."""

    team_id: str
    workspace: Workspace
    company: Unit
    sales: Unit
    emea: Unit
    marketing: Unit
    admin: Person
    executive: Person
    sales_lead: Person
    emea_lead: Person
    rep: Person
    marketer: Person


def make_org(session: Session, team_id: str = TEAM) -> Org:
    """A small company: units, people, leads and roles (no goals)."""
    workspace = make_workspace(session, team_id)
    company = make_unit(session, "acme", team_id=team_id, name="Acme")
    sales = make_unit(session, "sales", team_id=team_id, name="Sales", parent=company)
    emea = make_unit(session, "emea", team_id=team_id, name="EMEA", parent=sales)
    marketing = make_unit(session, "marketing", team_id=team_id, name="Marketing", parent=company)
    people = {
        "admin": ("UADMIN", "Ada Admin", Role.ADMIN, company),
        "executive": ("UEXEC", "Eve Exec", Role.EXECUTIVE, company),
        "sales_lead": ("USALES", "Dana Lee", Role.MEMBER, sales),
        "emea_lead": ("UEMEA", "Erin Park", Role.MEMBER, emea),
        "rep": ("UREP", "Rob Rep", Role.MEMBER, emea),
        "marketer": ("UMARK", "Mia Mark", Role.MEMBER, marketing),
    }
    made = {
        field: make_person(session, slack, team_id=team_id, name=name, role=role, unit=unit)
        for field, (slack, name, role, unit) in people.items()
    }
    lead(session, sales, made["sales_lead"])
    lead(session, emea, made["emea_lead"])
    return Org(team_id, workspace, company, sales, emea, marketing, **made)


def _next_number(session: Session, team_id: str) -> int:
    return next_goal_number(session=session, team_id=team_id)


def seed_org(engine: Engine, team_id: str = TEAM) -> Org:
    """``make_org`` in a committed unit of work, for service tests."""
    with unit_of_work(engine) as session:
        return make_org(session, team_id)

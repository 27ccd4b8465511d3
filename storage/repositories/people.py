"""People of a workspace: owners, leads, executives and admins."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, or_, update
from sqlmodel import Session, col, select

from storage.models import Person, Role


@dataclass(frozen=True)
class PersonFields:
    """Profile fields copied from Slack (or a plan file); None leaves a field as it is."""

    name: str | None = None
    email: str | None = None
    tz: str | None = None
    unit_id: int | None = None
    manager_id: int | None = None


def get_person(*, session: Session, team_id: str, person_id: int) -> Person | None:
    """A person by database id, only within the workspace."""
    person = session.get(Person, person_id)
    return person if person is not None and person.team_id == team_id else None


def get_person_by_slack_id(*, session: Session, team_id: str, slack_user_id: str) -> Person | None:
    """A person by Slack user id."""
    query = select(Person).where(Person.team_id == team_id, Person.slack_user_id == slack_user_id)
    return session.exec(query).first()


def find_person_by_email(*, session: Session, team_id: str, email: str) -> Person | None:
    """A person by email address, ignoring case and surrounding spaces."""
    query = select(Person).where(
        Person.team_id == team_id, func.lower(col(Person.email)) == email.strip().lower()
    )
    return session.exec(query.order_by(col(Person.id))).first()


def people_by_ids(
    *, session: Session, team_id: str, person_ids: Collection[int]
) -> dict[int, Person]:
    """People by database id (unknown ids are left out)."""
    if not person_ids:
        return {}
    query = select(Person).where(Person.team_id == team_id, col(Person.id).in_(set(person_ids)))
    return {person.id: person for person in session.exec(query) if person.id is not None}


def names_with_roles(*, session: Session, team_id: str, roles: Collection[Role]) -> list[str]:
    """Names of the active people holding any of the roles, alphabetical."""
    query = (
        select(Person.name)
        .where(Person.team_id == team_id, col(Person.role).in_(list(roles)))
        .where(col(Person.is_active).is_(True))
        .order_by(Person.name)
    )
    return list(session.exec(query))


def count_with_role(*, session: Session, team_id: str, role: Role) -> int:
    """How many active people hold a role."""
    query = select(func.count()).where(
        Person.team_id == team_id, Person.role == role, col(Person.is_active).is_(True)
    )
    return int(session.exec(query).one())


def upsert_person(
    *,
    session: Session,
    team_id: str,
    slack_user_id: str,
    now: datetime,
    fields: PersonFields | None = None,
) -> Person:
    """Create a person or update the given profile fields of an existing one."""
    person = get_person_by_slack_id(session=session, team_id=team_id, slack_user_id=slack_user_id)
    if person is None:
        person = Person(
            team_id=team_id, slack_user_id=slack_user_id, created_at=now, updated_at=now
        )
    for name, value in vars(fields or PersonFields()).items():
        if value is not None and getattr(person, name) != value:
            setattr(person, name, value)
            person.updated_at = now
            if name == "tz":
                person.next_checkin_at = None  # the planner reschedules in the new zone
    session.add(person)
    session.flush()
    return person


def find_people_by_name(*, session: Session, team_id: str, name: str) -> list[Person]:
    """Active people whose full name, first name or email handle matches (any case)."""
    wanted = name.strip().lower()
    dotted = wanted.replace(".", " ")
    query = select(Person).where(
        Person.team_id == team_id,
        col(Person.is_active).is_(True),
        or_(
            func.lower(Person.name).in_([wanted, dotted]),
            func.lower(Person.name).like(f"{wanted} %"),
            func.lower(Person.email).like(f"{wanted}@%"),
        ),
    )
    return list(session.exec(query.order_by(col(Person.id))))


def clear_next_checkins(*, session: Session, team_id: str) -> int:
    """Unset every scheduled next check-in of a workspace: the planner reschedules each one
    under the current rules, never inside the cycle of the owner's last check-in."""
    statement = (
        update(Person)
        .where(col(Person.team_id) == team_id, col(Person.next_checkin_at).is_not(None))
        .values(next_checkin_at=None)
    )
    return int(cast(CursorResult[Any], session.execute(statement)).rowcount or 0)

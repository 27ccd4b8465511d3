"""Lookups every service needs: the actor, a unit's authority, a goal or unit that must exist."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlmodel import Session

from bot.domain.errors import NotFound
from bot.domain.goals import goal_label
from bot.domain.periods import Period, quarter_of
from bot.services.permissions import SYSTEM_ACTORS, Actor, Authority, UnitLead
from storage.models import Csf, Goal, Person, Role, Unit, Workspace
from storage.repositories.audit import record_audit
from storage.repositories.goals import get_goal_by_number
from storage.repositories.people import get_person_by_slack_id, names_with_roles, people_by_ids
from storage.repositories.units import get_unit_by_key, unit_ancestors
from storage.repositories.workspaces import get_workspace

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def load_actor(session: Session, team_id: str, actor: str) -> Actor:
    """The actor behind a Slack user id (a stranger has no rights), or a system actor."""
    if actor in SYSTEM_ACTORS:
        return Actor(slack_user_id=actor, name=actor)
    person = get_person_by_slack_id(session=session, team_id=team_id, slack_user_id=actor)
    if person is None or not person.is_active:
        return Actor(slack_user_id=actor)
    return Actor(slack_user_id=actor, person_id=person.id, name=person.name, role=person.role)


def load_authority(session: Session, team_id: str, unit_id: int | None) -> Authority:
    """The unit's chain of leads (the unit first) and the workspace's executives and admins."""
    units = (
        [] if unit_id is None else unit_ancestors(session=session, team_id=team_id, unit_id=unit_id)
    )
    lead_ids = {unit.lead_id for unit in units if unit.lead_id is not None}
    leads = people_by_ids(session=session, team_id=team_id, person_ids=lead_ids)
    chain = tuple(_link(unit, leads) for unit in units if unit.id is not None)
    return Authority(
        chain=chain,
        admins=tuple(names_with_roles(session=session, team_id=team_id, roles=[Role.ADMIN])),
        executives=tuple(
            names_with_roles(session=session, team_id=team_id, roles=[Role.EXECUTIVE])
        ),
    )


def require_goal(session: Session, team_id: str, number: int) -> Goal:
    """The goal with this number, or NotFound saying how to find the right one."""
    goal = get_goal_by_number(session=session, team_id=team_id, number=number)
    if goal is None:
        raise NotFound(
            f"{goal_label(number)} does not exist in this workspace. "
            "Try `/goal list` to see goal ids."
        )
    return goal


def require_unit(session: Session, team_id: str, key: str) -> Unit:
    """The unit with this key, or NotFound saying how to find the right one."""
    unit = get_unit_by_key(session=session, team_id=team_id, key=key)
    if unit is None:
        raise NotFound(
            f"There is no unit `{key}` in this workspace. "
            "Check the spelling, or ask an admin to add it to the plan."
        )
    return unit


def require_person(session: Session, team_id: str, slack_user_id: str) -> Person:
    """The person with this Slack id, or NotFound saying what to do."""
    person = get_person_by_slack_id(session=session, team_id=team_id, slack_user_id=slack_user_id)
    if person is None:
        raise NotFound(
            f"<@{slack_user_id}> is not set up in goalbot yet. "
            "Ask an admin to import them with the plan, or have them open goalbot's Home tab."
        )
    return person


def fiscal_start_month(session: Session, team_id: str) -> int:
    """The workspace's fiscal year start month (January when the workspace is unknown)."""
    workspace = get_workspace(session=session, team_id=team_id)
    return workspace.fiscal_year_start_month if workspace is not None else 1


def workspace_or_default(session: Session, team_id: str) -> Workspace:
    """The workspace's settings, or unsaved defaults when it has never been seen."""
    workspace = get_workspace(session=session, team_id=team_id)
    return workspace if workspace is not None else Workspace(id=team_id, created_at=_EPOCH)


def current_quarter(session: Session, team_id: str, today: date) -> Period:
    """The fiscal quarter containing ``today`` under the workspace's fiscal year."""
    return quarter_of(today, fiscal_start_month(session, team_id))


def _link(unit: Unit, leads: dict[int, Person]) -> UnitLead:
    lead = leads.get(unit.lead_id) if unit.lead_id is not None else None
    return UnitLead(
        unit_id=saved_id(unit),
        unit_name=unit.name,
        lead_id=unit.lead_id,
        lead_name=lead.name if lead is not None else None,
    )


class _Saved(Protocol):
    id: int | None


def saved_id(row: _Saved) -> int:
    """The id of a row loaded from (or flushed to) the database."""
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} has no id yet: flush it first")
    return row.id


def audit(
    session: Session,
    actor_id: str,
    row: Goal | Unit | Person | Csf,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
    now: datetime,
) -> None:
    """Record an audit event about a goal, unit, person or CSF (entity = its table name)."""
    record_audit(
        session=session,
        team_id=row.team_id,
        actor=actor_id,
        entity=type(row).__name__.lower(),
        entity_id=row.id,
        action=action,
        before=before,
        after=after,
        at=now,
    )

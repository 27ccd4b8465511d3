"""The people service: workspaces, people, away periods and roles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from bot.config import Settings
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput
from bot.rhythm import parse_local_time
from bot.services.context import audit, load_actor, load_authority, require_person, saved_id
from bot.services.permissions import require_manage_person, require_set_roles
from storage.db import unit_of_work
from storage.models import Person, Role, Workspace
from storage.repositories.audit import record_audit, snapshot
from storage.repositories.people import (
    PersonFields,
    count_with_role,
    find_person_by_email,
    get_person_by_slack_id,
    upsert_person,
)
from storage.repositories.workspaces import get_or_create_workspace, get_workspace

PROFILE_FIELDS = ("name", "email", "tz", "unit_id", "manager_id")
RHYTHM_FIELDS = ("checkin_weekday", "checkin_time")
T = TypeVar("T")
WORKSPACE_FIELDS = ("timezone", "fiscal_year_start_month", "cadence", "checkin_weekday")


def workspace_defaults(settings: Settings) -> dict[str, Any]:
    """The settings a new workspace starts with, from goalbot's configuration."""
    return {
        "timezone": settings.goalbot_timezone,
        "fiscal_year_start_month": settings.goalbot_fiscal_year_start_month,
        "cadence": settings.goalbot_cadence,
        "checkin_weekday": settings.goalbot_checkin_weekday,
        "checkin_time": settings.goalbot_checkin_time,
        "digest_weekday": settings.goalbot_digest_weekday,
        "digest_time": settings.goalbot_digest_time,
        "weekly_dm_cap": settings.goalbot_weekly_dm_cap,
    }


@dataclass(frozen=True)
class Rhythm:
    """When a person's check-ins come: weekday (0 = Monday), local time and zone."""

    weekday: int
    time: str
    tz: str
    personal: bool  # False when both come from the workspace's defaults


class PeopleService:
    """Finds people, keeps their profiles in sync, and sets away periods and roles."""

    def __init__(
        self, engine: Engine, clock: Clock, workspace_defaults: Mapping[str, Any] | None = None
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._defaults = dict(workspace_defaults or {})

    def ensure_workspace(self, *, team_id: str) -> Workspace:
        """The workspace of a Slack team, created with the configured defaults when new."""
        with unit_of_work(self._engine) as session:
            return self._ensure(session, team_id)

    def find(self, *, team_id: str, slack_user_id: str) -> Person | None:
        """A person by Slack user id, or None."""
        with unit_of_work(self._engine) as session:
            return get_person_by_slack_id(
                session=session, team_id=team_id, slack_user_id=slack_user_id
            )

    def get(self, *, team_id: str, slack_user_id: str) -> Person:
        """A person by Slack user id, or NotFound saying what to do."""
        with unit_of_work(self._engine) as session:
            return require_person(session, team_id, slack_user_id)

    def find_by_email(self, *, team_id: str, email: str) -> Person | None:
        """A person by email address (case-insensitive), or None."""
        with unit_of_work(self._engine) as session:
            return find_person_by_email(session=session, team_id=team_id, email=email)

    def sync(
        self,
        *,
        team_id: str,
        slack_user_id: str,
        name: str | None = None,
        email: str | None = None,
        tz: str | None = None,
    ) -> Person:
        """Create or update a person from their Slack profile (the actor is ``system``); a
        field left at None stays as it is."""
        with unit_of_work(self._engine) as session:
            now = self._clock.now()
            self._ensure(session, team_id)
            found = get_person_by_slack_id(
                session=session, team_id=team_id, slack_user_id=slack_user_id
            )
            before = snapshot(found, PROFILE_FIELDS) if found is not None else {}
            person = upsert_person(
                session=session,
                team_id=team_id,
                slack_user_id=slack_user_id,
                now=now,
                fields=PersonFields(name=name, email=email, tz=tz),
            )
            after = snapshot(person, PROFILE_FIELDS)
            if before != after:
                action = "profile" if found is not None else "create"
                audit(session, "system", person, action, before, after, now)
            return person

    def pause(self, *, team_id: str, actor_id: str, slack_user_id: str, until: date) -> Person:
        """Mark a person away until a date (inclusive): no check-ins while away."""
        if until <= self._clock.now().date():
            raise InvalidInput(
                f"{until.isoformat()} is not in the future: pick the last day away, after today.",
                field="until",
            )
        return self._set_away(team_id, actor_id, slack_user_id, until)

    def resume(self, *, team_id: str, actor_id: str, slack_user_id: str) -> Person:
        """End a person's away period now."""
        return self._set_away(team_id, actor_id, slack_user_id, None)

    def set_checkin_time(
        self,
        *,
        team_id: str,
        actor_id: str,
        slack_user_id: str,
        weekday: int | None = None,
        at_time: str | None = None,
        reset: bool = False,
    ) -> Rhythm:
        """Set (or with ``reset``, drop) a person's own check-in day and local time.

        Only what is given changes: a day alone keeps the person's time, and the other way
        round. The next check-in is rescheduled by the planner under the new rule.
        """
        if at_time is not None:
            _check_time(at_time)
        with unit_of_work(self._engine) as session:
            now = self._clock.now()
            person = _managed_person(session, team_id, actor_id, slack_user_id)
            before = snapshot(person, RHYTHM_FIELDS)
            if reset:
                person.checkin_weekday, person.checkin_time = None, None
            person.checkin_weekday = _given(weekday, person.checkin_weekday)
            person.checkin_time = _given(at_time, person.checkin_time)
            after = snapshot(person, RHYTHM_FIELDS)
            if before != after:
                person.next_checkin_at, person.updated_at = None, now
                audit(session, actor_id, person, "rhythm", before, after, now)
            workspace = self._ensure(session, team_id)
            return Rhythm(
                weekday=_given(person.checkin_weekday, workspace.checkin_weekday),
                time=person.checkin_time or workspace.checkin_time,
                tz=person.tz or workspace.timezone,
                personal=person.checkin_weekday is not None or person.checkin_time is not None,
            )

    def set_role(self, *, team_id: str, actor_id: str, slack_user_id: str, role: Role) -> Person:
        """Make a person a member, executive or admin (admins only; one admin always stays)."""
        with unit_of_work(self._engine) as session:
            now = self._clock.now()
            require_set_roles(
                load_actor(session, team_id, actor_id), load_authority(session, team_id, None)
            )
            person = require_person(session, team_id, slack_user_id)
            _keep_an_admin(session, person, role)
            before = snapshot(person, ["role"])
            person.role, person.updated_at = role, now
            audit(session, actor_id, person, "role", before, snapshot(person, ["role"]), now)
            return person

    def _set_away(
        self, team_id: str, actor_id: str, slack_user_id: str, until: date | None
    ) -> Person:
        with unit_of_work(self._engine) as session:
            now = self._clock.now()
            person = _managed_person(session, team_id, actor_id, slack_user_id)
            before = snapshot(person, ["away_until"])
            person.away_until, person.updated_at = until, now
            action = "pause" if until is not None else "resume"
            after = snapshot(person, ["away_until"])
            audit(session, actor_id, person, action, before, after, now)
            return person

    def _ensure(self, session: Session, team_id: str) -> Workspace:
        existing = get_workspace(session=session, team_id=team_id)
        if existing is not None:
            return existing
        now = self._clock.now()
        workspace = get_or_create_workspace(
            session=session, team_id=team_id, now=now, defaults=self._defaults
        )
        after = snapshot(workspace, WORKSPACE_FIELDS)
        record_audit(
            session=session,
            team_id=team_id,
            actor="system",
            entity="workspace",
            entity_id=None,
            action="create",
            before={},
            after=after,
            at=now,
        )
        return workspace


def _managed_person(session: Session, team_id: str, actor_id: str, slack_user_id: str) -> Person:
    """A person whose check-ins the actor may manage (themselves, their lead, an admin)."""
    person = require_person(session, team_id, slack_user_id)
    require_manage_person(
        load_actor(session, team_id, actor_id),
        load_authority(session, team_id, person.unit_id),
        person_id=saved_id(person),
        person_name=person.name or f"<@{slack_user_id}>",
    )
    return person


def _given(value: T | None, current: T) -> T:
    return current if value is None else value


def _check_time(text: str) -> None:
    try:
        parse_local_time(text)
    except ValueError as error:
        raise InvalidInput(f"`{text}` is not a time: use one like 16:00.", field="time") from error


def _keep_an_admin(session: Session, person: Person, role: Role) -> None:
    if person.role is not Role.ADMIN or role is Role.ADMIN:
        return
    if count_with_role(session=session, team_id=person.team_id, role=Role.ADMIN) <= 1:
        raise InvalidInput(
            f"{person.name or 'This person'} is the only admin: make someone else an admin first.",
            field="role",
        )

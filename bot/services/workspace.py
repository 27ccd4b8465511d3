"""Workspace settings and digest subscriptions, changed by the people allowed to."""

from __future__ import annotations

from dataclasses import dataclass, fields
from zoneinfo import available_timezones

from sqlalchemy import Engine

from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotFound, PermissionDenied
from bot.domain.workspace import WorkspaceSettings
from bot.services.context import (
    current_quarter,
    load_actor,
    load_authority,
    require_person,
    require_unit,
)
from bot.services.permissions import can_manage_csfs, require_change_settings
from storage.db import unit_of_work
from storage.models import DigestSubscription, Person, Unit, Workspace
from storage.repositories.audit import record_audit, snapshot
from storage.repositories.csfs import list_csfs_of_period
from storage.repositories.digests import add_subscription, find_subscription
from storage.repositories.people import (
    clear_next_checkins,
    find_people_by_name,
    get_person_by_slack_id,
)
from storage.repositories.units import get_unit, list_units
from storage.repositories.workspaces import get_or_create_workspace

SETTING_FIELDS = tuple(field.name for field in fields(WorkspaceSettings))
SCHEDULE_FIELDS = {"timezone", "cadence", "checkin_weekday", "checkin_time", "holidays"}
"""Settings that move check-ins: changing one reschedules every owner's next check-in."""


@dataclass(frozen=True)
class Subscription:
    """A channel's digest subscription and whether this request created it."""

    subscription: DigestSubscription
    scope: str
    created: bool


class WorkspaceService:
    """Reads and changes a workspace's settings; subscribes channels to digests."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def get(self, *, team_id: str) -> Workspace:
        """The workspace's settings (created with defaults when new)."""
        with unit_of_work(self._engine) as session:
            return get_or_create_workspace(session=session, team_id=team_id, now=self._clock.now())

    def require_admin(self, *, team_id: str, actor_id: str) -> None:
        """Raise PermissionDenied, naming who can, unless the actor may change settings."""
        with unit_of_work(self._engine) as session:
            actor = load_actor(session, team_id, actor_id)
            require_change_settings(actor, load_authority(session, team_id, None))

    def update(self, *, team_id: str, actor_id: str, new: WorkspaceSettings) -> Workspace:
        """Replace the settings (admins and executives only); audited before → after."""
        if new.timezone not in available_timezones():
            raise InvalidInput(f"`{new.timezone}` is not a time zone name.", field="timezone")
        with unit_of_work(self._engine) as session:
            now = self._clock.now()
            actor = load_actor(session, team_id, actor_id)
            require_change_settings(actor, load_authority(session, team_id, None))
            workspace = get_or_create_workspace(session=session, team_id=team_id, now=now)
            before = snapshot(workspace, SETTING_FIELDS)
            for name in SETTING_FIELDS:
                value = getattr(new, name)
                setattr(workspace, name, list(value) if name == "holidays" else value)
            after = snapshot(workspace, SETTING_FIELDS)
            changed = [name for name in SETTING_FIELDS if before[name] != after[name]]
            if set(changed) & SCHEDULE_FIELDS:
                clear_next_checkins(session=session, team_id=team_id)
            if changed:
                record_audit(
                    session=session,
                    team_id=team_id,
                    actor=actor_id,
                    entity="workspace",
                    entity_id=None,
                    action="settings",
                    before={name: before[name] for name in changed},
                    after={name: after[name] for name in changed},
                    at=now,
                )
            return workspace

    def subscribe_digest(
        self, *, team_id: str, actor_id: str, channel_id: str, unit_key: str | None
    ) -> Subscription:
        """Subscribe a channel to the company's digest or a unit's (leads, executives, admins)."""
        with unit_of_work(self._engine) as session:
            now = self._clock.now()
            unit = require_unit(session, team_id, unit_key) if unit_key else None
            actor = load_actor(session, team_id, actor_id)
            authority = load_authority(session, team_id, unit.id if unit else None)
            scope = unit.name if unit else "the company"
            if not (can_manage_csfs(actor, authority) if unit else actor.is_senior):
                raise PermissionDenied(
                    f"Only {'a lead of ' + scope + ', ' if unit else ''}an executive or an admin "
                    f"can subscribe a channel to the digest of {scope}."
                )
            unit_id = unit.id if unit else None
            existing = find_subscription(
                session=session, team_id=team_id, channel_id=channel_id, unit_id=unit_id
            )
            if existing is not None:
                return Subscription(existing, scope, created=False)
            row = add_subscription(
                session=session,
                team_id=team_id,
                channel_id=channel_id,
                unit_id=unit_id,
                by=actor.person_id,
                now=now,
            )
            record_audit(
                session=session,
                team_id=team_id,
                actor=actor_id,
                entity="digest_subscription",
                entity_id=row.id,
                action="create",
                before={},
                after={"channel_id": channel_id, "unit_id": unit_id},
                at=now,
            )
            return Subscription(row, scope, created=True)


@dataclass(frozen=True)
class GoalForm:
    """What the new-goal modal offers: units, the author's unit, the period and its CSFs."""

    units: tuple[tuple[str, str], ...]
    default_unit: str | None
    period: str
    csfs: tuple[tuple[int, str], ...]


class Directory:
    """Finds units and people named in commands, and the choices a goal form offers."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def unit(self, *, team_id: str, key: str) -> Unit:
        """The unit with this key, or NotFound saying what to check."""
        with unit_of_work(self._engine) as session:
            return require_unit(session, team_id, key)

    def person(self, *, team_id: str, slack_user_id: str | None, name: str | None) -> Person:
        """The person a mention names: by Slack id, or by name when Slack did not escape it."""
        with unit_of_work(self._engine) as session:
            if slack_user_id:
                return require_person(session, team_id, slack_user_id)
            matches = find_people_by_name(session=session, team_id=team_id, name=name or "")
            if len(matches) == 1:
                return matches[0]
            if not matches:
                raise NotFound(f"Nobody called @{name} is set up in goalbot.")
            raise InvalidInput(f"@{name} could be several people: pick them from the @ menu.")

    def current_period(self, *, team_id: str) -> str:
        """The fiscal quarter of today, under the workspace's fiscal year."""
        with unit_of_work(self._engine) as session:
            return str(current_quarter(session, team_id, self._clock.now().date()))

    def unit_key_of(self, *, team_id: str, slack_user_id: str) -> str | None:
        """The key of a person's unit, or None when they belong to none (or are unknown)."""
        with unit_of_work(self._engine) as session:
            person = get_person_by_slack_id(
                session=session, team_id=team_id, slack_user_id=slack_user_id
            )
            unit = (
                get_unit(session=session, team_id=team_id, unit_id=person.unit_id)
                if (person is not None and person.unit_id is not None)
                else None
            )
            return unit.key if unit is not None else None

    def goal_form(self, *, team_id: str, actor_id: str) -> GoalForm:
        """The new-goal modal's choices for an author."""
        with unit_of_work(self._engine) as session:
            units = list_units(session=session, team_id=team_id)
            author = get_person_by_slack_id(
                session=session, team_id=team_id, slack_user_id=actor_id
            )
            period = current_quarter(session, team_id, self._clock.now().date())
            periods = [str(period), str(period.year_period())]
            names = {unit.id: unit.name for unit in units}
            csfs = list_csfs_of_period(session=session, team_id=team_id, periods=periods)
            default = next((u.key for u in units if author and u.id == author.unit_id), None)
            return GoalForm(
                units=tuple((unit.key, unit.name) for unit in units),
                default_unit=default,
                period=str(period),
                csfs=tuple(
                    (csf.id or 0, f"{names.get(csf.unit_id, '?')} · {csf.rank}. {csf.title}")
                    for csf in csfs
                ),
            )

"""PeopleService: workspaces, profile sync, away periods and roles, with audit events."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from bot.application import Services, build_services
from bot.config import Settings
from bot.domain.clock import FixedClock
from bot.domain.errors import InvalidInput, NotFound, PermissionDenied
from bot.services.people import workspace_defaults
from storage.db import unit_of_work
from storage.models import Cadence, Role
from storage.repositories.audit import list_audit
from tests.factories import TEAM, Org, seed_org


@pytest.fixture
def org(engine: Engine) -> Org:
    return seed_org(engine)


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    defaults = workspace_defaults(
        Settings(goalbot_timezone="Europe/Paris", goalbot_cadence="biweekly")
    )
    return build_services(engine, clock, defaults)


def _actions(engine: Engine, entity: str, entity_id: int | None = None) -> list[str]:
    with unit_of_work(engine) as session:
        events = list_audit(session=session, team_id=TEAM, entity=entity, entity_id=entity_id)
    return [event.action for event in events]


def test_ensure_workspace_creates_it_once_with_defaults(services: Services, engine: Engine) -> None:
    workspace = services.people.ensure_workspace(team_id=TEAM)
    assert (workspace.timezone, workspace.cadence) == ("Europe/Paris", Cadence.BIWEEKLY)
    services.people.ensure_workspace(team_id=TEAM)
    assert _actions(engine, "workspace") == ["create"]


def test_sync_creates_then_updates_a_profile(services: Services, engine: Engine) -> None:
    profile = {"name": "Nia New", "email": "Nia@Acme.test", "tz": "Europe/Berlin"}
    created = services.people.sync(team_id=TEAM, slack_user_id="UNEW", **profile)
    services.people.sync(team_id=TEAM, slack_user_id="UNEW", **profile)
    services.people.sync(team_id=TEAM, slack_user_id="UNEW", tz="Asia/Tokyo")
    assert services.people.get(team_id=TEAM, slack_user_id="UNEW").tz == "Asia/Tokyo"
    found = services.people.find_by_email(team_id=TEAM, email="nia@acme.test")
    assert found is not None and found.id == created.id
    assert _actions(engine, "person", created.id) == ["create", "profile"]
    assert services.people.find(team_id=TEAM, slack_user_id="UGHOST") is None
    with pytest.raises(NotFound, match="<@UGHOST> is not set up in goalbot yet"):
        services.people.get(team_id=TEAM, slack_user_id="UGHOST")


def test_pause_and_resume_are_audited(services: Services, org: Org, engine: Engine) -> None:
    paused = services.people.pause(
        team_id=TEAM, actor_id="UREP", slack_user_id="UREP", until=date(2027, 1, 15)
    )
    assert paused.away_until == date(2027, 1, 15)
    assert (
        services.people.resume(team_id=TEAM, actor_id="UEMEA", slack_user_id="UREP").away_until
        is None
    )
    with unit_of_work(engine) as session:
        events = list_audit(session=session, team_id=TEAM, entity="person", entity_id=org.rep.id)
    assert [(event.action, event.before, event.after) for event in events] == [
        ("pause", {"away_until": None}, {"away_until": "2027-01-15"}),
        ("resume", {"away_until": "2027-01-15"}, {"away_until": None}),
    ]


def test_pause_needs_a_future_date_and_the_right_person(services: Services, org: Org) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.people.pause(
            team_id=TEAM, actor_id="UREP", slack_user_id="UREP", until=date(2027, 1, 4)
        )
    assert refused.value.field == "until"
    with pytest.raises(PermissionDenied, match="Only Rob Rep themself, Erin Park"):
        services.people.pause(
            team_id=TEAM, actor_id="UMARK", slack_user_id="UREP", until=date(2027, 2, 1)
        )


def test_admins_set_roles_and_one_admin_always_stays(
    services: Services, org: Org, engine: Engine
) -> None:
    assert (
        services.people.set_role(
            team_id=TEAM, actor_id="UADMIN", slack_user_id="UREP", role=Role.EXECUTIVE
        ).role
        is Role.EXECUTIVE
    )
    assert _actions(engine, "person", org.rep.id) == ["role"]
    with pytest.raises(PermissionDenied, match=r"Only an admin \(Ada Admin\) can change roles"):
        services.people.set_role(
            team_id=TEAM, actor_id="UEXEC", slack_user_id="UREP", role=Role.ADMIN
        )
    with pytest.raises(InvalidInput, match="Ada Admin is the only admin"):
        services.people.set_role(
            team_id=TEAM, actor_id="UADMIN", slack_user_id="UADMIN", role=Role.MEMBER
        )
    services.people.set_role(
        team_id=TEAM, actor_id="UADMIN", slack_user_id="UEXEC", role=Role.ADMIN
    )
    assert (
        services.people.set_role(
            team_id=TEAM, actor_id="UEXEC", slack_user_id="UADMIN", role=Role.MEMBER
        ).role
        is Role.MEMBER
    )

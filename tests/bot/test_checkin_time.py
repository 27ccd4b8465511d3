"""A person's own check-in day and time, and rules that move everyone's next check-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot.application import Services, build_services
from bot.checkins.planning import plan_checkins
from bot.domain.clock import FixedClock
from bot.domain.errors import InvalidInput, PermissionDenied
from bot.domain.workspace import WorkspaceSettings
from bot.parsing.command import UsageError, parse_command
from storage.db import unit_of_work
from storage.models import Cadence, Person
from storage.repositories.audit import list_audit
from tests.checkin_support import deliveries
from tests.factories import TEAM, Org, make_goal, seed_org

MONDAY = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "action", "weekday", "at_time"),
    [
        ("checkin", "", None, None),
        ("checkin at friday 16:00", "at", 4, "16:00"),
        ("checkin at Fri", "at", 4, None),
        ("checkin at 9am", "at", None, "09:00"),
        ("checkin at thu 4:30 pm", "at", 3, "16:30"),
        ("checkin at 12am", "at", None, "00:00"),
        ("checkin at default", "default", None, None),
    ],
)
def test_checkin_at_parses_a_day_a_time_or_both(
    text: str, action: str, weekday: int | None, at_time: str | None
) -> None:
    command = parse_command(text)
    assert (command.name, command.action, command.weekday, command.at_time) == (
        "checkin",
        action,
        weekday,
        at_time,
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("checkin now", "`checkin at` a day and time"),
        ("checkin at", "Missing a day, a time or both"),
        ("checkin at someday", "`someday` is neither a day nor a time"),
        ("checkin at fri 25:00", "`25:00` is neither a day nor a time"),
        ("checkin at 13pm", "`13pm` is neither a day nor a time"),
        ("checkin at t 9", "`t` is not a day"),
        ("checkin at fri 9 10", "`9 10` is not one time"),
    ],
)
def test_bad_checkin_times_say_what_is_wrong_with_the_usage(text: str, says: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_command(text)
    assert says in raised.value.message
    assert "Usage: `/goal checkin" in raised.value.message


@pytest.fixture
def org(engine: Engine) -> Org:
    return seed_org(engine)


@pytest.fixture
def services(engine: Engine) -> Services:
    return build_services(engine, FixedClock(MONDAY))


def _person(engine: Engine, slack_user_id: str) -> Person:
    with unit_of_work(engine) as session:
        found = session.exec(select(Person).where(Person.slack_user_id == slack_user_id)).one()
        session.expunge(found)
        return found


def _schedule(engine: Engine, slack_user_id: str, at: datetime | None) -> None:
    with unit_of_work(engine) as session:
        person = session.exec(select(Person).where(Person.slack_user_id == slack_user_id)).one()
        person.next_checkin_at = at


def test_a_person_sets_their_own_day_and_time_and_it_is_audited(
    services: Services, org: Org, engine: Engine
) -> None:
    rep = org.rep.slack_user_id
    _schedule(engine, rep, MONDAY + timedelta(days=3))
    rhythm = services.people.set_checkin_time(
        team_id=TEAM, actor_id=rep, slack_user_id=rep, weekday=4, at_time="16:00"
    )
    assert (rhythm.weekday, rhythm.time, rhythm.personal) == (4, "16:00", True)
    person = _person(engine, rep)
    assert (person.checkin_weekday, person.checkin_time) == (4, "16:00")
    assert person.next_checkin_at is None  # the planner reschedules under the new rule
    with unit_of_work(engine) as session:
        events = [e for e in list_audit(session=session, team_id=TEAM) if e.action == "rhythm"]
    assert [(e.before, e.after) for e in events] == [
        (
            {"checkin_weekday": None, "checkin_time": None},
            {"checkin_weekday": 4, "checkin_time": "16:00"},
        )
    ]


def test_a_day_alone_keeps_the_time_and_default_drops_both(
    services: Services, org: Org, engine: Engine
) -> None:
    rep = org.rep.slack_user_id
    services.people.set_checkin_time(
        team_id=TEAM, actor_id=rep, slack_user_id=rep, weekday=4, at_time="16:00"
    )
    rhythm = services.people.set_checkin_time(
        team_id=TEAM, actor_id=rep, slack_user_id=rep, weekday=1
    )
    assert (rhythm.weekday, rhythm.time) == (1, "16:00")
    workspace = services.workspace.get(team_id=TEAM)
    back = services.people.set_checkin_time(
        team_id=TEAM, actor_id=rep, slack_user_id=rep, reset=True
    )
    assert (back.weekday, back.time, back.personal) == (
        workspace.checkin_weekday,
        workspace.checkin_time,
        False,
    )
    assert (_person(engine, rep).checkin_weekday, _person(engine, rep).checkin_time) == (None, None)


def test_nobody_else_sets_a_persons_check_in_time_and_bad_times_are_refused(
    services: Services, org: Org
) -> None:
    with pytest.raises(PermissionDenied):
        services.people.set_checkin_time(
            team_id=TEAM,
            actor_id=org.marketer.slack_user_id,
            slack_user_id=org.rep.slack_user_id,
            weekday=4,
        )
    with pytest.raises(InvalidInput, match="is not a time"):
        services.people.set_checkin_time(
            team_id=TEAM,
            actor_id=org.rep.slack_user_id,
            slack_user_id=org.rep.slack_user_id,
            at_time="25:99",
        )


def test_the_planner_sends_at_the_persons_own_day_and_time(
    services: Services, org: Org, engine: Engine
) -> None:
    rep = org.rep.slack_user_id
    with unit_of_work(engine) as session:
        make_goal(session, org.rep, org.emea, title="Close 50 EMEA deals", number=90)
        person = session.exec(select(Person).where(Person.slack_user_id == rep)).one()
        person.tz = "Europe/Berlin"
    services.people.set_checkin_time(
        team_id=TEAM, actor_id=rep, slack_user_id=rep, weekday=4, at_time="16:00"
    )
    plan_checkins(engine, FixedClock(MONDAY))
    friday_16_berlin = datetime(2027, 1, 8, 15, 0, tzinfo=UTC)
    assert _person(engine, rep).next_checkin_at == friday_16_berlin
    plan_checkins(engine, FixedClock(friday_16_berlin + timedelta(minutes=1)))
    rep_id = _person(engine, rep).id
    mine = [d for d in deliveries(engine) if d.person_id == rep_id]
    assert [(d.due_at, d.period_key) for d in mine] == [(friday_16_berlin, "2027-W01")]


def test_changing_the_workspace_rhythm_reschedules_everyone(
    services: Services, org: Org, engine: Engine
) -> None:
    for person in (org.rep, org.marketer):
        _schedule(engine, person.slack_user_id, MONDAY + timedelta(days=3))
    current = services.workspace.get(team_id=TEAM)
    settings = WorkspaceSettings(
        timezone=current.timezone,
        fiscal_year_start_month=current.fiscal_year_start_month,
        cadence=Cadence.BIWEEKLY,
        checkin_weekday=current.checkin_weekday,
        checkin_time=current.checkin_time,
        digest_weekday=current.digest_weekday,
        digest_time=current.digest_time,
        holidays=tuple(current.holidays),
        escalation_enabled=current.escalation_enabled,
    )
    services.workspace.update(team_id=TEAM, actor_id=org.admin.slack_user_id, new=settings)
    assert _person(engine, org.rep.slack_user_id).next_checkin_at is None
    assert _person(engine, org.marketer.slack_user_id).next_checkin_at is None


def test_a_new_time_zone_from_slack_reschedules_that_person(
    services: Services, org: Org, engine: Engine
) -> None:
    rep, marketer = org.rep.slack_user_id, org.marketer.slack_user_id
    for slack_id in (rep, marketer):
        _schedule(engine, slack_id, MONDAY + timedelta(days=3))
    services.people.sync(team_id=TEAM, slack_user_id=rep, tz="Asia/Kolkata")
    services.people.sync(team_id=TEAM, slack_user_id=marketer, name=org.marketer.name)
    assert _person(engine, rep).next_checkin_at is None
    assert _person(engine, marketer).next_checkin_at == MONDAY + timedelta(days=3)

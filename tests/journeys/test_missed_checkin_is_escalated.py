"""Journey: a missed check-in is reminded once, in working hours, and escalated to the lead.

Three weeks of ticks at every instant the bot's schedule has something due (as its 30-second
scheduler would find them). Emma (Berlin) never answers; Lukas (Berlin) answers at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from devkit.demo import IMPORTED_AT
from devkit.demo.scenes import rhythm_of
from devkit.demo.timeline import tick_instants
from devkit.demo.world import World
from devkit.people import eventually
from storage.models import CheckinDelivery, DeliveryKind, DeliveryStatus
from tests.journeys.support import EMMA, LUKAS, RAHUL, journey_world, person, tick_at, utc, visible

BERLIN = ZoneInfo("Europe/Berlin")
FIRST_CHECKIN = utc(2027, 1, 7, 9, 0)  # Thursday 10:00 in Berlin
UNTIL = utc(2027, 1, 22, 0, 0)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with journey_world(Path(tmp_path_factory.mktemp("missed"))) as running:
        zones = [p.tz for p in running.workspace.people]
        for instant in tick_instants(rhythm_of(running), zones, IMPORTED_AT, UNTIL):
            tick_at(running, instant)
            if instant == FIRST_CHECKIN:
                assert running.driver.click_in_dm(LUKAS, "No change").status == 200
                eventually(lambda: "Undo" in visible(running.slack.dm_messages(LUKAS)[0]))
        yield running


def _deliveries(world: World, slack_id: str) -> list[CheckinDelivery]:
    with Session(world.engine) as session:
        owner = person(session, slack_id)
        query = select(CheckinDelivery).where(CheckinDelivery.person_id == owner.id)
        return list(session.exec(query.order_by(col(CheckinDelivery.id))))


def _local(message: dict[str, object]) -> datetime:
    return datetime.fromtimestamp(float(str(message["ts"])), BERLIN)


def _the_silent_owner_is_asked_weekly_and_reminded_once_a_week(world: World) -> None:
    checkin, reminder = "Time for your check-in: 1 goal.", "Reminder: your check-in is still open"
    sent = [(_local(m).strftime("%a %d %H:%M"), visible(m)) for m in world.slack.dm_messages(EMMA)]
    assert [(when, text.startswith(reminder)) for when, text in sent] == [
        ("Thu 07 10:00", False),
        ("Fri 08 10:00", True),
        ("Thu 14 10:00", False),
        ("Fri 15 10:00", True),
        ("Thu 21 10:00", False),
    ]
    assert all(text.startswith((checkin, reminder)) for _, text in sent)


def _nobody_is_messaged_outside_working_hours(world: World) -> None:
    for message in world.slack.dm_messages(EMMA):
        local = _local(message)
        assert local.weekday() < 5 and 9 <= local.hour < 17, local


def _two_missed_cycles_tell_the_lead_once(world: World) -> None:
    checkins = [d for d in _deliveries(world, EMMA) if d.kind == DeliveryKind.CHECKIN]
    assert [d.status for d in checkins] == [
        DeliveryStatus.MISSED,
        DeliveryStatus.MISSED,
        DeliveryStatus.SENT,
    ]
    escalations = [m for m in world.slack.dm_messages(RAHUL) if f"<@{EMMA}>" in visible(m)]
    assert len(escalations) == 1
    assert "has missed 2 check-ins in a row" in visible(escalations[0])
    assert _local(escalations[0]).date() == checkins[2].due_at.date()


def _the_owner_who_answered_is_neither_reminded_nor_missed(world: World) -> None:
    first = _deliveries(world, LUKAS)[0]
    assert (first.kind, first.status) == (DeliveryKind.CHECKIN, DeliveryStatus.ANSWERED)
    reminders = [m for m in world.slack.dm_messages(LUKAS) if "Reminder" in visible(m)]
    assert _local(reminders[0]).date().day == 15  # week 1 answered: its first reminder is week 2


def test_a_missed_checkin_is_reminded_then_escalated(world: World) -> None:
    """One story, in order: Emma is asked weekly and reminded once a week, only in working
    hours; two missed cycles tell her lead once; Lukas, who answered, is neither reminded
    nor missed that week.
    """
    _the_silent_owner_is_asked_weekly_and_reminded_once_a_week(world)
    _nobody_is_messaged_outside_working_hours(world)
    _two_missed_cycles_tell_the_lead_once(world)
    _the_owner_who_answered_is_neither_reminded_nor_missed(world)

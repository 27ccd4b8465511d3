"""Journey: an owner answers a check-in by button, by modal and by typed reply.

The tick runs at the instants a deployment's scheduler would hit; the check-in DMs go out at
10:00 on each owner's wall clock; people answer the real ``goalbot serve`` process.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from devkit.demo import IMPORTED_AT
from devkit.demo.world import World
from devkit.people import eventually
from storage.models import CheckinDelivery, DeliveryStatus, GoalUpdate, UpdateSource
from tests.journeys.support import (
    AISHA,
    CLARA,
    DANIEL,
    MAYA,
    SOFIA,
    journey_world,
    labels_in_dm,
    person,
    tick_at,
    utc,
    visible,
)

NEW_YORK_10AM = utc(2027, 1, 7, 15, 0)  # Thursday 7 January, 10:00 in New York
BERLIN_10AM = utc(2027, 1, 7, 9, 0)
NEW_YORKERS = (MAYA, DANIEL, SOFIA, AISHA)  # Aisha has no time zone: the workspace's applies


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with journey_world(Path(tmp_path_factory.mktemp("checkin"))) as running:
        tick_at(running, IMPORTED_AT)  # plans everyone's first check-in
        tick_at(running, BERLIN_10AM)
        tick_at(running, NEW_YORK_10AM - timedelta(minutes=1))
        tick_at(running, NEW_YORK_10AM)
        yield running


def _updates(world: World, slack_id: str) -> list[GoalUpdate]:
    with Session(world.engine) as session:
        owner = person(session, slack_id)
        query = select(GoalUpdate).where(GoalUpdate.author_id == owner.id)
        return list(session.exec(query.order_by(col(GoalUpdate.id))))


def _checkin(world: World, slack_id: str) -> CheckinDelivery:
    with Session(world.engine) as session:
        owner = person(session, slack_id)
        return session.exec(
            select(CheckinDelivery).where(CheckinDelivery.person_id == owner.id)
        ).one()


def _answered_at(world: World, slack_id: str, at: datetime) -> None:
    world.move_to(at)
    assert len(world.slack.dm_messages(slack_id)) == 1


def _checkins_arrive_at_ten_on_each_owners_clock(world: World) -> None:
    for slack_id, zone in [
        (CLARA, "Europe/Berlin"),
        *((p, "America/New_York") for p in NEW_YORKERS),
    ]:
        dm = world.slack.dm_messages(slack_id)
        assert len(dm) == 1, slack_id
        sent = datetime.fromtimestamp(float(dm[0]["ts"]), ZoneInfo(zone))
        assert (sent.weekday(), sent.hour, sent.minute) == (3, 10, 0), slack_id
        assert "time for your check-in" in visible(dm[0])


def _no_change_by_button_then_undo(world: World) -> None:
    _answered_at(world, SOFIA, NEW_YORK_10AM + timedelta(minutes=20))
    assert world.driver.click_in_dm(SOFIA, "No change").status == 200
    answered = eventually(lambda: "Undo" in visible(world.slack.dm_messages(SOFIA)[0]), timeout=15)
    assert answered and "no change" in visible(world.slack.dm_messages(SOFIA)[0])
    [update] = _updates(world, SOFIA)
    assert (update.no_change, update.source) == (True, UpdateSource.BUTTON)
    assert update.created_at == NEW_YORK_10AM + timedelta(minutes=20)
    assert _checkin(world, SOFIA).status == DeliveryStatus.ANSWERED

    assert world.driver.click_in_dm(SOFIA, "Undo").status == 200
    eventually(lambda: not _updates(world, SOFIA), timeout=15)
    eventually(lambda: "No change" in visible(world.slack.dm_messages(SOFIA)[0]), timeout=15)
    assert _checkin(world, SOFIA).status == DeliveryStatus.SENT


def _update_modal_with_a_field_error_then_a_blocker(world: World) -> None:
    _answered_at(world, DANIEL, NEW_YORK_10AM + timedelta(hours=2))
    labels = labels_in_dm(world, DANIEL)
    assert len(labels) == 4
    first = int(next(iter(labels))[2:])
    assert world.driver.click_in_dm(DANIEL, "Update").status == 200
    eventually(lambda: world.slack.open_views(DANIEL), timeout=15)

    bad = world.driver.submit(DANIEL, {f"value:{first}": "lots"})
    assert "`lots` is not a number" in str(bad.json()["errors"])
    good = {
        f"value:{first}": "0.3",
        f"health:{first}": "at_risk",
        f"confidence:{first}": "6",
        f"note:{first}": "two deals slipped to February",
        f"blocker:{first}": ["blocked"],
    }
    assert world.driver.submit(DANIEL, good).status == 200
    recorded = eventually(lambda: _updates(world, DANIEL), timeout=15)
    mine = [u for u in recorded if u.value == 0.3]
    assert len(mine) == 1 and mine[0].blocker and mine[0].confidence == 6
    assert {u.source for u in recorded} == {UpdateSource.MODAL}
    first_label = f"*G-{first}*: 0.3, at risk, blocker"
    eventually(lambda: first_label in visible(world.slack.dm_messages(DANIEL)[0]), timeout=15)
    assert len(world.slack.dm_messages(DANIEL)) == 1  # the check-in was replaced in place
    assert _checkin(world, DANIEL).status == DeliveryStatus.ANSWERED


def _a_typed_reply_records_the_update_and_is_confirmed(world: World) -> None:
    _answered_at(world, MAYA, NEW_YORK_10AM + timedelta(hours=5))
    [label] = labels_in_dm(world, MAYA)
    assert world.driver.dm(MAYA, f"{label} 15.8 on track two renewals closed early").status == 200
    confirmation = eventually(lambda: world.slack.dm_messages(MAYA)[1:], timeout=15)[0]
    assert "Recorded" in visible(confirmation) and label in visible(confirmation)
    [update] = _updates(world, MAYA)
    assert (update.value, update.health, update.source) == (15.8, "on_track", UpdateSource.TYPED)
    assert update.note == "two renewals closed early"
    assert update.created_at == NEW_YORK_10AM + timedelta(hours=5)


def test_an_owner_answers_by_button_modal_and_typed_reply(world: World) -> None:
    """One story, in order: the check-in DMs arrive at ten local time; Sofia answers by
    button (and undoes it), Daniel through the modal (a field error first), Maya by a typed
    reply.
    """
    _checkins_arrive_at_ten_on_each_owners_clock(world)
    _no_change_by_button_then_undo(world)
    _update_modal_with_a_field_error_then_a_blocker(world)
    _a_typed_reply_records_the_update_and_is_confirmed(world)

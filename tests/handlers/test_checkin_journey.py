"""A scheduled check-in DM answered by button, by modal, and taken back with Undo."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import select

from bot.domain.clock import FixedClock
from devkit.people import eventually
from goalbot.slack_client import make_web_client
from goalbot.tick import make_tick
from handlers.deferred import AFTER_ACK
from storage.db import unit_of_work
from storage.models import CheckinDelivery, DeliveryStatus, GoalUpdate, Person, UpdateSource
from tests.handlers.harness import Goals, Running, ask, rendered, settings_for

REP = "UREP"


def _deliver_checkin(run: Running, clock: FixedClock) -> CheckinDelivery:
    """Make the rep's check-in due now and run the real tick against the stand-in."""
    with unit_of_work(run.engine) as session:
        rep = session.exec(select(Person).where(Person.slack_user_id == REP)).one()
        rep.next_checkin_at = clock.now() - timedelta(minutes=1)
    tick = make_tick(run.engine, clock, run.services, make_web_client(settings_for(run.slack)))
    report = tick()
    assert report.send.delivered == 1
    with unit_of_work(run.engine) as session:
        return session.exec(select(CheckinDelivery)).one()


def _checkin_dm(run: Running, delivery: CheckinDelivery) -> dict[str, Any]:
    """The check-in DM as it reads now (it is rewritten in place once answered)."""
    (message,) = [m for m in run.slack.dm_messages(REP) if m["ts"] == delivery.message_ts]
    return message


def _updates(run: Running) -> list[GoalUpdate]:
    with unit_of_work(run.engine) as session:
        return list(session.exec(select(GoalUpdate)))


def _status(run: Running, delivery_id: int | None) -> DeliveryStatus:
    with unit_of_work(run.engine) as session:
        row = session.get(CheckinDelivery, delivery_id)
        assert row is not None
        return row.status


def test_no_change_then_undo(run: Running, goals: Goals, clock: FixedClock) -> None:
    delivery = _deliver_checkin(run, clock)
    dm = run.slack.dm_messages(REP)
    assert len(dm) == 1 and "Close 50 EMEA deals" in rendered(dm[0])
    assert dm[0]["metadata"]["event_payload"]["delivery_id"] == delivery.id

    assert run.driver.click_in_dm(REP, "No change").status == 200
    eventually(lambda: _updates(run))
    assert [(u.no_change, u.source, u.delivery_id) for u in _updates(run)] == [
        (True, UpdateSource.BUTTON, delivery.id)
    ]
    answered = eventually(lambda: "Undo" in rendered(run.slack.dm_messages(REP)[0]))
    assert answered and len(run.slack.dm_messages(REP)) == 1  # updated in place
    assert _status(run, delivery.id) == DeliveryStatus.ANSWERED

    assert run.driver.click_in_dm(REP, "Undo").status == 200
    eventually(lambda: not _updates(run))
    eventually(lambda: "No change" in rendered(run.slack.dm_messages(REP)[0]))
    assert _status(run, delivery.id) == DeliveryStatus.SENT


def test_update_modal_bad_value_then_good(run: Running, goals: Goals, clock: FixedClock) -> None:
    delivery = _deliver_checkin(run, clock)
    assert run.driver.click_in_dm(REP, "Update").status == 200
    eventually(lambda: run.slack.open_views(REP))
    bad = run.driver.submit(REP, {"New value": "twelve"})
    assert "`twelve` is not a number" in str(bad.json()["errors"])
    assert run.driver.submit(REP, {"New value": "12", "Confidence": "8"}).status == 200
    update = eventually(lambda: _updates(run))[0]
    assert (update.value, update.confidence, update.delivery_id) == (12.0, 8, delivery.id)
    eventually(lambda: _status(run, delivery.id) == DeliveryStatus.ANSWERED)
    answered = eventually(lambda: "Recorded" in rendered(run.slack.dm_messages(REP)[0]))
    assert answered and len(run.slack.dm_messages(REP)) == 1  # the DM itself, updated in place
    assert "G-3" in rendered(run.slack.dm_messages(REP)[0])

    assert run.driver.click_in_dm(REP, "Undo").status == 200
    eventually(lambda: not _updates(run))
    eventually(lambda: "Update" in rendered(run.slack.dm_messages(REP)[0]))
    assert _status(run, delivery.id) == DeliveryStatus.SENT


def test_a_check_in_by_command_is_confirmed_in_a_new_dm(run: Running, goals: Goals) -> None:
    assert run.driver.slash(REP, "checkin").status == 200
    eventually(lambda: run.slack.open_views(REP))
    assert run.driver.submit(REP, {"New value": "7"}).status == 200
    confirmation = eventually(lambda: run.slack.dm_messages(REP))
    assert "G-3" in rendered(confirmation[0]) and "7" in rendered(confirmation[0])
    assert [u.value for u in _updates(run)] == [7.0]


def test_away_this_week_skips_the_cycle(run: Running, goals: Goals, clock: FixedClock) -> None:
    delivery = _deliver_checkin(run, clock)
    assert run.driver.click_in_dm(REP, "Away this week").status == 200
    eventually(lambda: _status(run, delivery.id) == DeliveryStatus.SKIPPED)
    with unit_of_work(run.engine) as session:
        rep = session.exec(select(Person).where(Person.slack_user_id == REP)).one()
        assert rep.away_until is not None and rep.away_until.weekday() == 6


def test_a_second_tick_sends_nothing_more(run: Running, goals: Goals, clock: FixedClock) -> None:
    _deliver_checkin(run, clock)
    tick = make_tick(run.engine, clock, run.services, make_web_client(settings_for(run.slack)))
    assert tick().send.delivered == 0
    assert len(run.slack.calls("chat.postMessage")) == 1


def test_a_typed_reply_answers_the_open_check_in(
    run: Running, goals: Goals, clock: FixedClock
) -> None:
    delivery = _deliver_checkin(run, clock)
    assert run.driver.dm(REP, "G-3 12 on track").status == 200
    eventually(lambda: _updates(run))
    eventually(lambda: _status(run, delivery.id) == DeliveryStatus.ANSWERED)
    assert [u.delivery_id for u in _updates(run)] == [delivery.id]

    def checkin_dm() -> str:
        return rendered(_checkin_dm(run, delivery))

    eventually(lambda: "Recorded" in checkin_dm())
    assert "G-3" in checkin_dm() and "12, on track" in checkin_dm()
    assert "No change" not in checkin_dm(), "the answered DM keeps no check-in buttons"

    assert run.driver.click_in_dm(REP, "Undo").status == 200
    eventually(lambda: not _updates(run))
    eventually(lambda: "No change" in checkin_dm())
    assert _status(run, delivery.id) == DeliveryStatus.SENT


def test_an_owner_update_by_command_answers_the_check_in_in_place(
    run: Running, goals: Goals, clock: FixedClock
) -> None:
    delivery = _deliver_checkin(run, clock)
    assert "Recorded G-3: 20" in ask(run, REP, "update G-3 20 at risk")
    eventually(lambda: _status(run, delivery.id) == DeliveryStatus.ANSWERED)
    eventually(lambda: "Recorded" in rendered(_checkin_dm(run, delivery)))
    assert "20, at risk (40%)" in rendered(_checkin_dm(run, delivery))


def test_an_update_by_someone_else_leaves_the_check_in_open(
    run: Running, goals: Goals, clock: FixedClock
) -> None:
    delivery = _deliver_checkin(run, clock)
    run.services.goals.record_update(
        team_id=run.org.team_id,
        actor_id="UEMEA",
        goal_number=3,
        value=5.0,
        source=UpdateSource.COMMAND,
    )
    assert [u.value for u in _updates(run)] == [5.0]
    assert _status(run, delivery.id) == DeliveryStatus.SENT


def test_a_deleted_check_in_dm_still_takes_a_typed_answer(
    run: Running, goals: Goals, clock: FixedClock
) -> None:
    delivery = _deliver_checkin(run, clock)
    bot = make_web_client(settings_for(run.slack))
    bot.chat_delete(channel=delivery.channel or "", ts=delivery.message_ts or "")
    assert run.driver.dm(REP, "G-3 12").status == 200
    eventually(lambda: _status(run, delivery.id) == DeliveryStatus.ANSWERED)
    confirmation = eventually(lambda: run.slack.dm_messages(REP))
    assert "12" in rendered(confirmation[-1])
    assert [u.value for u in _updates(run)] == [12.0]
    assert AFTER_ACK.wait_idle(timeout=10)  # the bot has done all it will do
    assert run.slack.calls("chat.update"), "the bot tried to rewrite the deleted DM"
    assert not [m for m in run.slack.dm_messages(REP) if "went wrong" in rendered(m)]


def test_a_value_is_read_as_people_type_it_in_the_modal(run: Running, goals: Goals) -> None:
    assert run.driver.slash(REP, "checkin").status == 200
    eventually(lambda: run.slack.open_views(REP))
    asked = run.driver.submit(REP, {"New value": "1,5"})
    assert "could be 1.5 or 15" in str(asked.json()["errors"])
    assert run.driver.submit(REP, {"New value": "1,000"}).status == 200
    assert eventually(lambda: [u.value for u in _updates(run)]) == [1000.0]


def test_a_command_reads_the_value_in_its_goals_unit(run: Running, goals: Goals) -> None:
    assert run.driver.slash("UEXEC", "update G-1 $12.5M").status == 200  # G-1 counts in M$
    assert eventually(lambda: [u.value for u in _updates(run)]) == [12.5]
    assert run.driver.slash("UEXEC", "update G-1 1,5").status == 200
    answers = eventually(lambda: run.slack.ephemerals(user="UEXEC")[1:])
    assert "could be 1.5 or 15" in str(answers)
    assert [u.value for u in _updates(run)] == [12.5]

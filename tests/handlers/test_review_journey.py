"""A quarterly review end to end: started by command, rated, replied to, closed out.

Signed requests to goalbot served over HTTP, against the Slack stand-in: Dana (lead of Sales)
makes #leadership the Sales review channel and starts the review; Sales and EMEA get a thread;
Eve and Dana rate through the button and modal (a bad rating first), Erin replies in the
thread, and the tick sends the close-out DMs, where Rob carries his goal over.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from bot.blocks import ids
from bot.domain.clock import FixedClock
from devkit.people import eventually
from goalbot.slack_client import make_web_client
from goalbot.tick import make_tick
from storage.db import unit_of_work
from storage.models import (
    CheckinDelivery,
    DeliveryKind,
    Goal,
    GoalStatus,
    Review,
    ReviewResponse,
)
from tests.handlers.harness import Goals, Running, rendered, settings_for

ADMIN, EXEC, LEAD, EMEA, REP, MARK = "UADMIN", "UEXEC", "USALES", "UEMEA", "UREP", "UMARK"


@pytest.fixture
def leadership(run: Running, goals: Goals) -> str:
    """#leadership with Dana, Eve, Erin and Rob (and goalbot), the Sales review channel."""
    channel = run.slack.add_channel("leadership", members=[LEAD, EXEC, EMEA, REP])
    answer = _ask(run, LEAD, "review here sales", channel)
    assert "Reviews of Sales" in answer and f"<#{channel}>" in answer
    return channel


def _ask(run: Running, user: str, text: str, channel: str) -> str:
    before = len(run.slack.ephemerals(user=user))
    assert run.driver.slash(user, text, channel_id=channel).status == 200
    return rendered(eventually(lambda: run.slack.ephemerals(user=user)[before:])[0])


def _threads(run: Running, channel: str) -> dict[str, dict[str, Any]]:
    found = {}
    for message in run.slack.messages(channel):
        text = rendered(message)
        for unit in ("Sales", "EMEA"):
            if f"Quarterly review · {unit} · 2027-Q1" in text:
                found[unit] = message
    return found


def _rows(run: Running, model: Any) -> list[Any]:
    with unit_of_work(run.engine) as session:
        return list(session.exec(select(model).order_by(col(model.id))))


def _goal(run: Running, number: int) -> Goal:
    with unit_of_work(run.engine) as session:
        return session.exec(select(Goal).where(Goal.number == number)).one()


def _tick(run: Running, clock: FixedClock) -> None:
    make_tick(run.engine, clock, run.services, make_web_client(settings_for(run.slack)))()


def test_a_review_started_by_command_collects_ratings_replies_and_closes_out(
    run: Running, leadership: str, clock: FixedClock
) -> None:
    answer = _ask(run, LEAD, "review start sales", leadership)
    assert "2 threads open of 2" in answer and "✅ *EMEA*" in answer and "✅ *Sales*" in answer
    threads = _threads(run, leadership)
    assert set(threads) == {"Sales", "EMEA"}
    sales = threads["Sales"]
    assert (
        "% to objective" in rendered(sales) and sales["metadata"]["event_type"] == "goalbot_review"
    )

    # Two ratings through the button and the modal; a bad value first.
    assert (
        run.driver.click_in_channel(
            EXEC, leadership, "Rate this quarter", message_ts=sales["ts"]
        ).status
        == 200
    )
    eventually(lambda: run.slack.open_views(EXEC))
    bad = run.driver.submit(
        EXEC, {"Quality of strategy (1-10)": "11", "Quality of execution (1-10)": ""}
    )
    errors = bad.json()["errors"]
    assert "`11` is not a rating" in errors[ids.REVIEW_STRATEGY]
    assert "from 1 to 10" in errors[ids.REVIEW_EXECUTION]
    good = {
        "Quality of strategy (1-10)": "8",
        "Quality of execution (1-10)": "6",
        "What worked": "Weekly pipeline reviews",
    }
    assert run.driver.submit(EXEC, good).status == 200
    run.slack.close_views(EXEC)
    assert (
        run.driver.click_in_channel(
            LEAD, leadership, "Rate this quarter", message_ts=sales["ts"]
        ).status
        == 200
    )
    eventually(lambda: run.slack.open_views(LEAD))
    answers = {
        "Quality of strategy (1-10)": "7",
        "Quality of execution (1-10)": "5",
        "What to change": "Forecast earlier",
    }
    assert run.driver.submit(LEAD, answers).status == 200
    eventually(
        lambda: (
            "2 ratings · strategy 7.5 · execution 5.5"
            in rendered(_threads(run, leadership)["Sales"])
        )
    )

    # A reply in the thread is kept with the review; however often it arrives, once.
    assert (
        run.driver.reply_in_thread(
            EMEA, leadership, sales["ts"], "We started pipeline too late"
        ).status
        == 200
    )
    reply = eventually(lambda: [r for r in _rows(run, ReviewResponse) if r.reply_text])[0]
    eventually(lambda: "1 reply" in rendered(_threads(run, leadership)["Sales"]))
    replies = [m for m in run.slack.thread(leadership, sales["ts"]) if m["ts"] != sales["ts"]]
    event = {
        "type": "message",
        "channel_type": "channel",
        "channel": leadership,
        "user": EMEA,
        "text": replies[0]["text"],
        "ts": replies[0]["ts"],
        "thread_ts": sales["ts"],
    }
    assert run.driver.event(event).status == 200  # a second delivery of the same message
    for retry in (None, 1):  # and one event delivered twice (Slack's retry)
        assert run.driver.event(event, event_id="EvREPLY1", retry_num=retry).status == 200

    responses = eventually(
        lambda: len(_rows(run, ReviewResponse)) == 3 and _rows(run, ReviewResponse)
    )
    ratings = sorted(
        (r.strategy_quality, r.execution_quality) for r in responses if r.key.startswith("rating:")
    )
    assert ratings == [(7, 5), (8, 6)]
    assert reply.reply_text == "We started pipeline too late" and reply.person_id is not None
    review = next(r for r in _rows(run, Review) if r.thread_ts == sales["ts"])
    assert {r.review_id for r in responses} == {review.id}

    # The tick sends each open goal's owner one close-out DM; Rob carries his goal over.
    _tick(run, clock)
    _tick(run, clock)
    closeouts = [d for d in _rows(run, CheckinDelivery) if d.kind == DeliveryKind.CLOSEOUT]
    owners = {d.person_id for d in closeouts}
    assert len(closeouts) == 2 == len(owners)
    assert len(run.slack.dm_messages(REP)) == 1 and len(run.slack.dm_messages(LEAD)) == 1
    assert run.slack.dm_messages(MARK) == []  # Marketing was not reviewed
    assert "G-3" in rendered(run.slack.dm_messages(REP)[0])

    assert run.driver.click_in_dm(REP, "Carry over").status == 200
    eventually(
        lambda: "carried over as *G-5* in 2027-Q2" in rendered(run.slack.dm_messages(REP)[0])
    )
    old, copy = _goal(run, 3), _goal(run, 5)
    assert (old.status, copy.status, copy.period) == (
        GoalStatus.CARRIED_OVER,
        GoalStatus.ACTIVE,
        "2027-Q2",
    )
    assert copy.carried_from_id == old.id and copy.owner_id == old.owner_id
    assert len(run.slack.dm_messages(REP)) == 1  # updated in place

    assert run.driver.click_in_dm(LEAD, "Achieved").status == 200
    eventually(lambda: _goal(run, 2).status is GoalStatus.ACHIEVED)
    assert len([r for r in _rows(run, ReviewResponse) if r.reply_text]) == 1  # still once
    assert "1 reply" in rendered(_threads(run, leadership)["Sales"])


def test_only_leads_executives_and_admins_start_a_review(run: Running, leadership: str) -> None:
    refused = _ask(run, REP, "review start sales", leadership)
    assert (
        "Only Dana Lee (lead of Sales), an executive (Eve Exec) or an admin (Ada Admin)" in refused
    )
    company = _ask(run, LEAD, "review start", leadership)
    assert "a lead can start the review of their own unit" in company
    assert _rows(run, Review) == []


def test_a_unit_without_a_channel_is_told_how_to_get_one(run: Running, goals: Goals) -> None:
    dm = run.slack.dm_channel(ADMIN)
    answer = _ask(run, ADMIN, "review start marketing", dm)
    assert "no channel for its review" in answer and "/goal review here marketing" in answer
    channel = run.slack.add_channel("marketing", members=[ADMIN, MARK])
    _ask(run, ADMIN, "review here marketing", channel)
    again = _ask(run, ADMIN, "review start marketing", dm)
    assert "✅ *Marketing*: thread in" in again
    assert len(_threads_of(run, channel)) == 1


def _threads_of(run: Running, channel: str) -> list[dict[str, Any]]:
    return [m for m in run.slack.messages(channel) if "Quarterly review" in rendered(m)]

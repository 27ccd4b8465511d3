"""The inbox worker and the heartbeat: leases kept while a process lives, taken over once it
dies; several requests worked on at once; a request no listener takes finished, not parked."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_bolt import BoltRequest
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from bot.application import build_services
from bot.config import Settings
from bot.domain.clock import FixedClock, SystemClock
from bot.services.inbox import WAIT, InboxService
from devkit.standin import SlackStandin
from goalbot.slack_client import make_web_client
from goalbot.worker import Heartbeat, InboxWorker
from handlers.app import create_app
from storage.db import unit_of_work
from storage.models import DeliveryStatus, GoalUpdate, InboxRequest
from storage.repositories.inbox import ClaimedRequest
from tests.factories import TEAM, make_goal, make_org

NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
BOUND = 10.0  # seconds: generous, never reached when things work


def _row(engine: Engine, row_id: int) -> InboxRequest:
    with Session(engine) as session:
        row = session.get(InboxRequest, row_id)
        assert row is not None
        return row


def _store(inbox: InboxService, key: str, *, take: bool) -> int:
    body = {"command": "/goal", "text": "help", "team_id": "T1", "user_id": "U1"}
    held = inbox.store(team_id="T1", kind="command", request_key=key, body=body, take=take)
    assert held is not None
    return held.id


def test_the_leases_a_process_holds_are_renewed_and_a_dead_ones_run_out(engine: Engine) -> None:
    clock = FixedClock(NOW)
    alive, dead = InboxService(engine, clock), InboxService(engine, clock)
    kept = alive.store(team_id="T1", kind="command", request_key="a", body={}, take=True)
    left = dead.store(team_id="T1", kind="command", request_key="b", body={}, take=True)
    assert kept and left
    alive.hold(kept)
    dead.hold(left)
    clock.advance(WAIT * 0.9)
    assert alive.renew() == 1  # `dead` renews no more: its process was killed
    clock.advance(WAIT * 0.2)
    taken = InboxService(engine, clock).claim(10)
    assert [row.id for row in taken] == [left.id]  # only the dead process's request
    assert (taken[0].attempt, taken[0].recovering) == (2, True)
    assert dead.renew() == 0  # come back to life, it finds its request in other hands
    assert not dead.holds(left)


def test_work_that_outlasts_its_lease_keeps_the_request_while_the_heartbeat_beats(
    engine: Engine,
) -> None:
    inbox = InboxService(engine, SystemClock(), wait=timedelta(seconds=0.3))
    held = inbox.store(team_id="T1", kind="command", request_key="slow", body={}, take=True)
    assert held is not None
    heartbeat = Heartbeat(inbox).start()
    try:
        with inbox.working(held):
            time.sleep(1.0)  # slow work: more than three leases long
            assert InboxService(engine, SystemClock()).claim(10) == []  # nobody takes it over
    finally:
        heartbeat.stop()
    assert _row(engine, held.id).status == DeliveryStatus.DONE
    assert not inbox.holds(held)


class _SlowApp:
    """Stands in for the Bolt app: each replay's work waits until `width` run at once."""

    def __init__(self, inbox: InboxService, width: int) -> None:
        self._inbox = inbox
        self.together = threading.Barrier(width, timeout=BOUND)

    def dispatch(self, req: BoltRequest) -> None:
        row: ClaimedRequest = req.context["goalbot_inbox_replayed"]
        with self._inbox.working(row):
            self.together.wait()  # broken (and so failing) if the replays ran one at a time


def test_the_worker_works_on_several_requests_at_once(engine: Engine) -> None:
    inbox = InboxService(engine, SystemClock())
    rows = [_store(inbox, f"k{n}", take=False) for n in range(4)]
    app: Any = _SlowApp(inbox, width=4)
    worker = InboxWorker(app, inbox, threads=4).start(poll=0.05)
    try:
        deadline = time.monotonic() + BOUND
        while time.monotonic() < deadline:
            if all(_row(engine, n).status == DeliveryStatus.DONE for n in rows):
                break
            time.sleep(0.02)
    finally:
        worker.stop()
    assert [_row(engine, n).status for n in rows] == [DeliveryStatus.DONE] * 4
    assert not app.together.broken


def test_an_event_no_listener_takes_is_finished_not_parked(engine: Engine) -> None:
    clock = FixedClock(NOW)
    services = build_services(engine, clock)
    with SlackStandin() as slack:
        settings = Settings(
            _env_file=None, slack_bot_token=slack.token, slack_api_url=slack.api_url
        )
        app = create_app(settings, services, make_web_client(settings), socket_mode=True)
        own_post = {  # Slack sends the bot its own DMs as message.im events too
            "type": "event_callback",
            "team_id": slack.team_id,
            "event_id": "Ev0OWN",
            "event": {"type": "message", "channel_type": "im", "bot_id": "B1", "text": "hi"},
        }
        app.dispatch(BoltRequest(body=own_post, mode="socket_mode"))
        with Session(engine) as session:
            (row,) = session.exec(select(InboxRequest)).all()
        assert row.status == DeliveryStatus.SENDING  # stored for this process; no listener ran
        clock.advance(services.inbox.wait)  # as if the process had died: anyone may take it
        assert InboxWorker(app, services.inbox).drain() == 1
    finished = _row(engine, row.id or 0)
    assert (finished.status, finished.attempts) == (DeliveryStatus.DONE, 2)  # not parked


def test_a_two_line_reply_killed_before_its_answer_is_answered_whole_by_the_replay(
    engine: Engine,
) -> None:
    """A typed reply's lines are recorded in one unit of work, so a replay after a kill finds
    them all (by their dedup keys) and answers for all of them, recording nothing twice."""
    with unit_of_work(engine) as session:
        org = make_org(session)
        for number in (1, 2):
            make_goal(session, org.rep, org.emea, number=number, target=100.0, baseline=0.0)
    clock = FixedClock(NOW)
    dying = build_services(engine, clock)
    held = dying.inbox.store(team_id=TEAM, kind="event", request_key="dm", body={}, take=True)
    assert held is not None
    reply = {"team_id": TEAM, "actor_id": "UREP", "text": "G-1 5\nG-2 6", "message_key": "m1"}
    with pytest.raises(RuntimeError), dying.inbox.working(held):
        dying.replies.apply(**reply)
        raise RuntimeError("SIGKILL")  # recorded, then the process died before answering
    clock.advance(WAIT)
    restarted = build_services(engine, clock)
    (claimed,) = restarted.inbox.claim(1)
    with restarted.inbox.working(claimed):
        outcome = restarted.replies.apply(**reply)
    assert [label for label, _ in outcome.recorded] == ["G-1", "G-2"]
    with unit_of_work(engine) as session:
        values = sorted(u.value for u in session.exec(select(GoalUpdate)))
    assert values == [5.0, 6.0]  # nothing recorded twice


def test_every_line_of_a_typed_reply_is_recorded_in_one_unit_of_work(engine: Engine) -> None:
    """So that the inbox's fence sees one transaction of effects per reply, never a replay
    with some lines applied and the rest refused as applied."""
    with unit_of_work(engine) as session:
        org = make_org(session)
        for number in (1, 2, 3):
            make_goal(session, org.rep, org.emea, number=number, target=100.0, baseline=0.0)
    services = build_services(engine, FixedClock(NOW))
    commits: list[int] = []
    event.listen(engine, "commit", lambda connection: commits.append(1))
    outcome = services.replies.apply(
        team_id=TEAM, actor_id="UREP", text="G-1 5\nG-2 6\nG-3 7", message_key="m2"
    )
    assert [label for label, _ in outcome.recorded] == ["G-1", "G-2", "G-3"]
    assert len(commits) == 2  # reading the owner's goals, then every line together

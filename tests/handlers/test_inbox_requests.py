"""Requests as goalbot's HTTP endpoint takes them: stored first, replays refused, garbage 4xx."""

from __future__ import annotations

import json
import logging
import socket
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot.domain.clock import FixedClock
from devkit.people import eventually
from handlers.payloads import MAX_BODY_BYTES
from storage.db import unit_of_work
from storage.models import DeliveryStatus, GoalUpdate, InboxRequest
from tests.handlers.harness import Running, running_goalbot, seed_goals

REP = "UREP"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def served(engine: Engine, clock: FixedClock) -> Iterator[Running]:
    """goalbot over HTTP against the stand-in, once on SQLite and once on PostgreSQL."""
    with running_goalbot(engine, clock) as running:
        seed_goals(running.engine, running.org)
        yield running


def _updates(run: Running) -> list[GoalUpdate]:
    with unit_of_work(run.engine) as session:
        return list(session.exec(select(GoalUpdate)))


def _inbox(run: Running) -> list[InboxRequest]:
    with unit_of_work(run.engine) as session:
        return list(session.exec(select(InboxRequest)))


def _command_body(run: Running, text: str) -> str:
    fields = {
        "team_id": run.slack.team_id,
        "channel_id": run.slack.dm_channel(REP),
        "user_id": REP,
        "command": "/goal",
        "text": text,
        "response_url": run.slack.new_response_url(run.slack.dm_channel(REP), REP),
        "trigger_id": run.slack.issue_trigger_id(REP),
    }
    return urllib.parse.urlencode(fields)


def test_a_byte_identical_replay_is_acknowledged_and_processed_once(served: Running) -> None:
    body, stamp = _command_body(served, "update G-3 12"), int(time.time())
    first = served.driver.send(body, FORM, timestamp=stamp)
    eventually(lambda: [row.status for row in _inbox(served)] == [DeliveryStatus.DONE])
    replay = served.driver.send(body, FORM, timestamp=stamp)  # same body, same signature
    assert (first.status, replay.status) == (200, 200)
    # A request is stored before its ack: a replay taken as new would be a second row by now.
    assert len(_inbox(served)) == 1
    assert [update.value for update in _updates(served)] == [12.0]
    assert len(served.slack.ephemerals(user=REP)) == 1  # answered once


def test_every_stored_request_is_done_once_its_work_is(served: Running) -> None:
    assert served.driver.slash(REP, "update G-3 7").status == 200
    assert served.driver.slash(REP, "list mine").status == 200
    eventually(lambda: len(served.slack.ephemerals(user=REP)) == 2)
    eventually(lambda: [row.status for row in _inbox(served)] == [DeliveryStatus.DONE] * 2)
    kinds = sorted(row.kind for row in _inbox(served))
    assert kinds == ["command", "command"]
    assert [row.applied_at is not None for row in _inbox(served)].count(True) == 1  # the update


def _post(run: Running, body: bytes, content_type: str) -> tuple[int, str]:
    request = urllib.request.Request(run.url + "/slack/events", data=body, method="POST")
    request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


BAD_BODIES = [
    (b'{"type": "event_callback", "event": {', "application/json", "the JSON body is not valid"),
    (b"payload=%7Bnot+json", FORM, "the form's payload is not valid JSON"),
    (b"payload=%5B1%2C2%5D", FORM, "the form's payload is not a JSON object"),
    (b"payload=%7B%22type%22%3A%22block_actions%22%7D", FORM, "has no user, actions"),
    (b'{"event": {"type": "message"}}', "application/json", "the JSON body has no type"),
    (b"command=%2Fgoal&text=list&team_id=T1", FORM, "the slash command has no user_id"),
    (b"text=hello", FORM, "neither a command nor a payload"),
    (b"\xff\xfe", FORM, "the body is not UTF-8"),
    (b"<xml/>", "text/xml", "unsupported content type 'text/xml'"),
]


@pytest.mark.parametrize(("body", "content_type", "cause"), BAD_BODIES)
def test_a_bad_body_gets_400_with_its_cause_and_one_log_line(
    run: Running, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str, cause: str
) -> None:
    with caplog.at_level(logging.WARNING, logger="goalbot.serve"):
        status, answer = _post(run, body, content_type)
    assert status == 400 and cause in answer
    refusals = [r for r in caplog.records if r.name == "goalbot.serve"]
    assert len(refusals) == 1 and cause in refusals[0].getMessage()
    assert _inbox(run) == []
    with urllib.request.urlopen(run.url + "/healthz", timeout=5) as health:
        assert health.status == 200


def test_a_body_over_the_limit_gets_413_unread_and_the_server_stays_healthy(run: Running) -> None:
    host, port = urllib.parse.urlsplit(run.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as client:
        client.sendall(  # the headers only: the answer comes before any of the body is sent
            f"POST /slack/events HTTP/1.1\r\nHost: {host}\r\nContent-Type: {FORM}\r\n"
            f"Content-Length: {MAX_BODY_BYTES + 10}\r\n\r\n".encode()
        )
        status_line = client.recv(4096).split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 413"), status_line
    with urllib.request.urlopen(run.url + "/healthz", timeout=5) as health:
        assert health.status == 200
    assert run.driver.slash(REP, "help").status == 200  # and it goes on serving


def test_json_body_with_a_wrong_shape_is_never_a_500(run: Running) -> None:
    for payload in ([], "text", 12, {"type": ""}, {"type": "nonsense"}):
        status, _ = _post(run, json.dumps(payload).encode(), "application/json")
        assert status == 400, payload


def _ack_count(run: Running, kind: str) -> float:
    with urllib.request.urlopen(run.url + "/metrics", timeout=5) as answer:
        text = answer.read().decode()
    line = next(
        line
        for line in text.splitlines()
        if line.startswith(f'goalbot_ack_seconds_count{{kind="{kind}"}}')
    )
    return float(line.split()[-1])


def test_every_ack_is_timed_by_its_kind_on_metrics(run: Running) -> None:
    commands, events = _ack_count(run, "command"), _ack_count(run, "event")
    for _ in range(3):
        assert run.driver.slash(REP, "help").status == 200
    assert run.driver.dm(REP, "hello").status == 200
    assert _ack_count(run, "command") == commands + 3
    assert _ack_count(run, "event") == events + 1

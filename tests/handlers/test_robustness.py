"""Signatures, retried events, health, the global error handler and token redaction."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from io import StringIO

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from devkit.people import eventually
from goalbot.health import EverySoOften, Readiness, health_app, not_found
from goalbot.logs import RedactTokens, configure_logging
from handlers.deferred import SORRY
from storage.db import make_engine, unit_of_work
from storage.models import GoalUpdate, ProcessedEvent
from tests.handlers.harness import Goals, Running, ask

REP = "UREP"


def _updates(run: Running) -> list[GoalUpdate]:
    with unit_of_work(run.engine) as session:
        return list(session.exec(select(GoalUpdate)))


def test_a_tampered_signature_gets_401_and_changes_nothing(run: Running, goals: Goals) -> None:
    body = "command=%2Fgoal&text=update+G-3+5&user_id=UREP&team_id=T0001"
    answer = run.driver.send(body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64)
    assert answer.status == 401
    assert _updates(run) == []
    assert run.slack.ephemerals(user=REP) == []


def test_a_stale_signature_gets_401_and_changes_nothing(run: Running, goals: Goals) -> None:
    stale = int(time.time()) - 6 * 60
    event = {"type": "message", "channel_type": "im", "channel": "D1", "user": REP, "text": "G-3 5"}
    body = json.dumps(
        {"type": "event_callback", "team_id": "T0001", "event_id": "Ev1", "event": event}
    )
    assert run.driver.send(body, "application/json", timestamp=stale).status == 401
    assert _updates(run) == []


def test_a_retried_event_is_processed_once(run: Running, goals: Goals) -> None:
    assert run.driver.dm(REP, "G-3 12 on track", event_id="EvRETRY1").status == 200
    eventually(lambda: _updates(run))
    assert run.driver.dm(REP, "G-3 12 on track", event_id="EvRETRY1", retry_num=1).status == 200
    assert run.driver.dm(REP, "G-3 12 on track", event_id="EvRETRY1", retry_num=2).status == 200
    eventually(lambda: len(run.slack.dm_messages(REP)) >= 1)
    with unit_of_work(run.engine) as session:
        assert len(session.exec(select(ProcessedEvent)).all()) == 1
    assert [update.value for update in _updates(run)] == [12.0]


def test_health_and_readiness_answer_when_the_database_does(run: Running) -> None:
    with urllib.request.urlopen(run.url + "/healthz", timeout=5) as answer:
        assert answer.status == 200
        assert json.loads(answer.read()) == {"status": "alive"}
    with urllib.request.urlopen(run.url + "/readyz", timeout=5) as answer:
        assert answer.status == 200
        assert json.loads(answer.read()) == {"database": "ok"}


def _get(app: Callable[..., Iterable[bytes]], path: str) -> tuple[str, object]:
    statuses: list[str] = []
    body = b"".join(app({"PATH_INFO": path}, lambda status, headers: statuses.append(status)))
    return statuses[0], json.loads(body)


def test_readiness_is_503_when_the_database_does_not_answer_and_liveness_stays_200() -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", pool_pre_ping=False)
    app = health_app(Readiness(engine, {"scheduler": lambda: True}), not_found)
    assert _get(app, "/readyz") == (
        "503 Service Unavailable",
        {"database": "failing", "scheduler": "ok"},
    )
    assert _get(app, "/healthz") == ("200 OK", {"status": "alive"})
    assert _get(app, "/elsewhere")[0] == "404 Not Found"


def test_a_check_that_raises_fails_readiness_and_slow_checks_are_cached(engine: Engine) -> None:
    calls: list[float] = []
    now = [0.0]

    def slack() -> bool:
        calls.append(now[0])
        if len(calls) == 1:
            raise ConnectionError("Slack is down")
        return True

    cached = EverySoOften(slack, 60, monotonic=lambda: now[0])
    readiness = Readiness(engine, {"slack": cached})
    assert readiness.report() == {"database": "ok", "slack": "failing"}
    now[0] = 30
    assert readiness.report()["slack"] == "failing"  # not asked again within the minute
    now[0] = 61
    assert readiness.report() == {"database": "ok", "slack": "ok"}
    assert calls == [0.0, 61]


def test_unknown_paths_are_404(run: Running) -> None:
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(run.url + "/admin", timeout=5)
    assert raised.value.code == 404


def test_an_unexpected_error_is_logged_and_the_user_told_without_internals(
    run: Running, goals: Goals, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(run.services.goals, "list_for", explode)
    with caplog.at_level(logging.ERROR):
        answer = ask(run, REP, "list")
    assert answer.strip() == SORRY
    assert "hunter2" not in answer
    assert any(
        record.exc_info and "hunter2" in str(record.exc_info[1]) for record in caplog.records
    )


def test_tokens_are_redacted_from_every_log_line() -> None:
    stream = StringIO()
    configure_logging("DEBUG")
    handler = logging.getLogger().handlers[0]
    handler.setStream(stream)  # type: ignore[attr-defined]
    logging.getLogger("slack_sdk").debug(
        "headers: %s", {"Authorization": "Bearer xoxb-123-456-abcDEF"}
    )
    logging.getLogger("goalbot").info("app token xapp-1-A111-222-xyz in use")
    written = stream.getvalue()
    assert "xoxb-123" not in written and "xapp-1-A111" not in written
    assert written.count("[redacted]") == 2
    assert RedactTokens().filter(logging.makeLogRecord({"msg": "xoxp-9-9"}))

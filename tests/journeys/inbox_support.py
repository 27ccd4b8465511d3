"""The world of the inbox's kill tests: a crowd of owners, the real ``goalbot serve`` processes
(started, SIGKILLed, started again), bursts of signed requests, and what came of them.

- :func:`crowd_database`: a fresh SQLite file or PostgreSQL schema at the newest schema with a
  plan of ``owners`` people, person *n* (``U0KL000nn``) owning one goal of the current quarter;
- :class:`ServeProcess`: ``goalbot serve --http --no-scheduler`` on a fixed port, with
  ``GOALBOT_INBOX_WAIT_SECONDS`` low so that a killed process's rows are taken over quickly;
- :class:`Burst`: requests sent from many threads; :meth:`Burst.run` can kill the server once
  some have been answered, then start it (or none) again and send the rest;
- :func:`answers_to`: the ``response_url`` posts the stand-in took for one request.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlmodel
import yaml
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine, func, select, text
from sqlmodel import col

from bot.domain.clock import SystemClock
from bot.domain.periods import quarter_of
from bot.plan import import_plan
from devkit.demo.process import (
    DEFAULT_SIGNING_SECRET,
    free_port,
    goalbot_command,
    goalbot_env,
    run_goalbot,
    wait_healthy,
)
from devkit.people import APP_ID
from devkit.standin import SlackStandin
from devkit.standin.forms import find_button
from devkit.standin.plan import read_plan
from devkit.standin.state import Identity
from storage.db import make_engine, unit_of_work
from storage.migrate import upgrade
from storage.models import DeliveryStatus, Goal, GoalUpdate, InboxRequest, Person
from tests.conftest import POSTGRES_URL, postgres_schema_engine

TEAM = "T0KILL000"
WAIT_SECONDS = 2  # GOALBOT_INBOX_WAIT_SECONDS of the tests' serve processes
FORM = "application/x-www-form-urlencoded"
JSON = dict[str, Any]


def owner(n: int) -> str:
    """The Slack id of the crowd's person `n` (from 1)."""
    return f"U0KL{n:05d}"


def crowd_plan(path: Path, owners: int) -> Path:
    """A plan of `owners` people in one unit, each owning one goal of the current quarter
    (metric 0 → 1,000,000, so any value the tests send is a valid update)."""
    period = str(quarter_of(datetime.now(UTC).date()))
    plan = {
        "workspace": {"team_id": TEAM, "name": "Kill tests", "timezone": "UTC"},
        "units": [{"key": "company", "name": "Company", "lead": owner(1)}],
        "people": [
            {
                "slack_id": owner(n),
                "name": f"Owner {n}",
                "tz": "UTC",
                "unit": "company",
                "role": "admin" if n == 1 else "member",
            }
            for n in range(1, owners + 1)
        ],
        "goals": [
            {
                "key": f"goal-{n}",
                "title": f"Goal of owner {n}",
                "owner": owner(n),
                "unit": "company",
                "period": period,
                "metric": {"name": "points", "baseline": 0, "target": 1_000_000},
            }
            for n in range(1, owners + 1)
        ],
    }
    path.write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Crowd:
    """The database the serve processes share, and each owner's goal number."""

    url: str
    engine: Engine
    plan: Path
    goal_of: dict[str, int]  # Slack id -> goal number


@contextmanager
def crowd_database(backend: str, workdir: Path, owners: int) -> Iterator[Crowd]:
    """A fresh database on `backend` with the crowd's plan imported."""
    plan = crowd_plan(workdir / "crowd.yaml", owners)
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'goalbot.db'}"
        engine = make_engine(url)
        try:
            yield _imported(url, engine, plan)
        finally:
            engine.dispose()
        return
    with contextmanager(postgres_schema_engine)() as engine:
        with engine.connect() as conn:
            schema = str(conn.execute(text("SELECT current_schema()")).scalar_one())
        separator = "&" if "?" in POSTGRES_URL else "?"
        yield _imported(f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}", engine, plan)


def _imported(url: str, engine: Engine, plan: Path) -> Crowd:
    upgrade(engine)
    import_plan(engine, plan, SystemClock(), TEAM)
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Person.slack_user_id, Goal.number).join(Goal, Goal.owner_id == Person.id)
        ).all()
    return Crowd(url, engine, plan, {str(slack_id): int(number) for slack_id, number in rows})


class Latency:
    """A WSGI app answering `seconds` later than the one it wraps; `seconds` may change while
    it serves (the check-ins go out at once, the burst's answers take Slack's round trip)."""

    def __init__(self, app: Callable[..., Any], seconds: float = 0.0) -> None:
        self._app, self.seconds = app, seconds

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.seconds > 0:
            time.sleep(self.seconds)  # the simulated round trip of Slack's API
        return self._app(environ, start_response)


@contextmanager
def crowd_standin(crowd: Crowd) -> Iterator[tuple[SlackStandin, Latency]]:
    """A stand-in for the crowd's workspace (its people as Slack users), with a latency to set."""
    workspace = read_plan(crowd.plan)
    slack = SlackStandin(identity=Identity(team_id=workspace.team_id), threads=64)
    latency = Latency(slack.app)
    slack.app = latency  # type: ignore[assignment]
    with slack:
        for person in workspace.people:
            slack.add_user(person.slack_id.lower(), user_id=person.slack_id, tz=person.tz)
        yield slack, latency


def crowd_env(crowd: Crowd, slack: SlackStandin, **settings: str) -> dict[str, str]:
    """The environment of a goalbot process of the crowd's world."""
    return goalbot_env(
        crowd.url,
        slack_bot_token=slack.token,
        slack_signing_secret=DEFAULT_SIGNING_SECRET,
        slack_api_url=slack.api_url,
        goalbot_team_id=slack.team_id,
        goalbot_inbox_wait_seconds=str(WAIT_SECONDS),
        **settings,
    )


class ServeProcess:
    """``goalbot serve --http --no-scheduler`` on a port of its own, which it keeps across
    restarts (so clients go on sending to the same URL)."""

    def __init__(self, crowd: Crowd, slack: SlackStandin, workdir: Path, name: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._env = crowd_env(crowd, slack, log_level="INFO")
        self._workdir, self._name = workdir, name
        self._process: subprocess.Popen[bytes] | None = None
        self._starts = 0
        self.logs: list[Path] = []

    def start(self) -> None:
        """Start it and wait until ``/healthz`` answers."""
        self._starts += 1
        log_path = self._workdir / f"{self._name}-{self._starts}.log"
        self.logs.append(log_path)
        argv = [*goalbot_command(), "serve", "--http", "--no-scheduler"]
        argv += ["--host", "127.0.0.1", "--port", str(self.port)]
        with log_path.open("w") as log:
            self._process = subprocess.Popen(
                argv, env=self._env, cwd=self._workdir, stdout=log, stderr=subprocess.STDOUT
            )
        wait_healthy(self.url, self._process, log_path)

    def kill(self) -> None:
        """SIGKILL: nothing is finished, nothing is flushed."""
        process = self._process
        assert process is not None and process.poll() is None, "serve is not running"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        """Stop it if it still runs (SIGTERM, then SIGKILL)."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def output(self) -> str:
        """Every start's log, in order."""
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')}" for path in self.logs
        )


@contextmanager
def serving(crowd: Crowd, slack: SlackStandin, workdir: Path, name: str) -> Iterator[ServeProcess]:
    """A started :class:`ServeProcess`, stopped on the way out."""
    process = ServeProcess(crowd, slack, workdir, name)
    process.start()
    try:
        yield process
    finally:
        process.stop()


# --- what is sent ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One signed request of a burst: who sends it, its body, and what identifies its effect
    (`value`, unique in the burst) and its answer (`ticket`, the response_url's, if any)."""

    user: str
    body: str
    content_type: str
    value: float
    ticket: str | None = None


class Requests:
    """Slack's requests for the crowd, as its clients would post them."""

    def __init__(self, slack: SlackStandin, crowd: Crowd) -> None:
        self.slack, self.crowd = slack, crowd

    def update_command(self, user: str, value: float) -> Request:
        """``/goal update G-N VALUE`` typed by the goal's owner in their DM with the bot."""
        channel = self.slack.dm_channel(user)
        response_url = self.slack.new_response_url(channel, user)
        fields = {
            "token": "unused",
            "team_id": self.slack.team_id,
            "channel_id": channel,
            "user_id": user,
            "command": "/goal",
            "text": f"update G-{self.crowd.goal_of[user]} {value:g}",
            "api_app_id": APP_ID,
            "response_url": response_url,
            "trigger_id": self.slack.issue_trigger_id(user),
        }
        return Request(user, urllib.parse.urlencode(fields), FORM, value, _ticket(response_url))

    def no_change_click(self, user: str) -> Request:
        """A click on *No change* in the owner's check-in DM (the value: the goal number)."""
        channel = self.slack.dm_channel(user)
        message = self.slack.dm_messages(user)[-1]
        block, button = find_button(message.get("blocks", []), "No change")
        response_url = self.slack.new_response_url(channel, user, message_ts=message["ts"])
        payload = {
            "type": "block_actions",
            "team": {"id": self.slack.team_id},
            "user": {"id": user, "team_id": self.slack.team_id},
            "api_app_id": APP_ID,
            "trigger_id": self.slack.issue_trigger_id(user),
            "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel},
            "channel": {"id": channel},
            "message": message,
            "response_url": response_url,
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": block.get("block_id", ""),
                    "value": button.get("value", ""),
                    "text": button.get("text"),
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        value = float(self.crowd.goal_of[user])
        return Request(user, body, FORM, value, _ticket(response_url))

    def typed_reply(self, user: str, value: float) -> Request:
        """``G-N VALUE`` typed by the owner in their DM with the bot (a message.im event)."""
        channel = self.slack.dm_channel(user)
        stamp = f"{time.time():.6f}"
        event = {
            "type": "message",
            "channel_type": "im",
            "channel": channel,
            "user": user,
            "text": f"G-{self.crowd.goal_of[user]} {value:g}",
            "ts": stamp,
            "event_ts": stamp,
            "client_msg_id": str(uuid.uuid4()),
        }
        body = {
            "token": "unused",
            "team_id": self.slack.team_id,
            "api_app_id": APP_ID,
            "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:12].upper()}",
            "event_time": int(time.time()),
            "event": event,
        }
        return Request(user, json.dumps(body), "application/json", value)


def _ticket(response_url: str) -> str:
    return response_url.rstrip("/").rsplit("/", 1)[-1]


# --- how it is sent -------------------------------------------------------------------------


@dataclass
class Outcome:
    """What the burst saw: each request's HTTP status (0: no answer), and when it was killed."""

    statuses: list[int]
    killed_after: int | None = None  # requests answered 200 when the kill came
    killed_at: float | None = None  # seconds into the burst

    def acked(self, requests: Sequence[Request]) -> list[Request]:
        """The requests that got HTTP 200."""
        return [r for r, status in zip(requests, self.statuses, strict=True) if status == 200]


@dataclass
class Burst:
    """Sends requests from `concurrency` threads (one after the other in each), signed."""

    url: str
    concurrency: int = 30
    signing_secret: str = DEFAULT_SIGNING_SECRET
    timeout: float = 20.0
    _up: threading.Event = field(default_factory=threading.Event)

    def run(
        self,
        requests: Sequence[Request],
        *,
        rate: float | None = None,
        kill_after: int | None = None,
        kill_at: float = 0.0,
        kill: Callable[[], None] = lambda: None,
        restart: Callable[[], None] | None = None,
        urls: Sequence[str] | None = None,
    ) -> Outcome:
        """Send every request, at most `rate` a second in all (None: as fast as the threads
        go). Once `kill_after` have got 200 and `kill_at` seconds have passed, `kill` the
        server, then `restart` it (the requests not sent yet wait for it, and the pace goes on
        from there) or, without `restart`, send the rest to the ``urls`` still up. `urls`:
        spread the requests over several servers, in turn."""
        targets = list(urls or [self.url])
        origin = [time.monotonic()]
        statuses = [-1] * len(requests)
        lock = threading.Condition()
        next_index = [0]
        acked = [0]
        self._up.set()
        verifier = SignatureVerifier(self.signing_secret)
        down: set[str] = set()

        def send(n: int) -> int:
            request = requests[n]
            live = [url for url in targets if url not in down] or targets
            target = live[n % len(live)]
            stamp = str(int(time.time()))
            signature = verifier.generate_signature(timestamp=stamp, body=request.body)
            http_request = urllib.request.Request(
                target + "/slack/events", data=request.body.encode(), method="POST"
            )
            http_request.add_header("Content-Type", request.content_type)
            http_request.add_header("X-Slack-Request-Timestamp", stamp)
            http_request.add_header("X-Slack-Signature", signature or "")
            try:
                with urllib.request.urlopen(http_request, timeout=self.timeout) as answer:
                    answer.read()
                    return int(answer.status)
            except urllib.error.HTTPError as error:
                return int(error.code)
            except (OSError, urllib.error.URLError):
                return 0

        def worker() -> None:
            while True:
                self._up.wait()
                with lock:
                    n = next_index[0]
                    if n >= len(requests):
                        return
                    next_index[0] += 1
                if rate is not None:
                    wait = origin[0] + n / rate - time.monotonic()
                    if wait > 0:
                        time.sleep(wait)  # the pace of the burst, not a wait for an outcome
                    self._up.wait()
                status = send(n)
                with lock:
                    statuses[n] = status
                    acked[0] += status == 200
                    lock.notify_all()

        started = time.monotonic()
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(self.concurrency)]
        for thread in threads:
            thread.start()
        outcome = Outcome(statuses)
        if kill_after is not None:
            with lock:
                lock.wait_for(
                    lambda: (
                        (acked[0] >= kill_after and time.monotonic() - started >= kill_at)
                        or next_index[0] >= len(requests)
                    ),
                    timeout=120,
                )
                if restart is not None:
                    self._up.clear()  # the requests not sent yet wait for the restart
                outcome.killed_after, outcome.killed_at = acked[0], time.monotonic() - started
            kill()
            if restart is None:
                down.add(targets[0])
            else:
                killed = time.monotonic()
                restart()
                origin[0] += time.monotonic() - killed  # the pace resumes where it stopped
                self._up.set()
        for thread in threads:
            thread.join(timeout=180)
        assert all(status >= 0 for status in statuses), "some requests were never sent"
        return outcome


# --- what came of it ------------------------------------------------------------------------


def answers_to(slack: SlackStandin, tickets: Sequence[str | None]) -> dict[str, int]:
    """How many answers each response_url took (posts the stand-in accepted)."""
    counts = {ticket: 0 for ticket in tickets if ticket is not None}
    for call in slack.calls("response_url"):
        ticket = call.args.get("ticket")
        if ticket in counts and call.status == 200:
            counts[ticket] += 1
    return counts


def inbox_left(engine: Engine) -> int:
    """Inbox rows not finished yet (waiting or being worked on)."""
    live = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
    with unit_of_work(engine) as session:
        return int(
            session.execute(
                select(func.count())
                .select_from(InboxRequest)
                .where(col(InboxRequest.status).in_(live))
            ).scalar_one()
        )


def inbox_live(engine: Engine) -> str:
    """The rows not finished yet, for a failure message."""
    live = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
    rows = [row for row in inbox_rows(engine) if row.status in live]
    return f"{len(rows)} inbox rows left: " + ", ".join(
        f"#{row.id} {row.status.value} attempts {row.attempts} lease {row.lease_until:%H:%M:%S}"
        if row.lease_until
        else f"#{row.id} {row.status.value} attempts {row.attempts}"
        for row in rows[:20]
    )


def inbox_rows(engine: Engine) -> list[InboxRequest]:
    """Every inbox row."""
    with unit_of_work(engine) as session:
        return list(session.exec(sqlmodel.select(InboxRequest)))


def updates_by_value(engine: Engine) -> dict[tuple[int, float | None, bool], int]:
    """How many updates exist of each (goal number, value, no change)."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Goal.number, GoalUpdate.value, GoalUpdate.no_change, func.count())
            .join(Goal, Goal.id == GoalUpdate.goal_id)
            .group_by(Goal.number, GoalUpdate.value, GoalUpdate.no_change)
        ).all()
    return {(int(n), v, bool(nc)): int(count) for n, v, nc, count in rows}


def until(condition: Callable[[], bool], *, timeout: float, what: Callable[[], str]) -> float:
    """Poll `condition` until it holds (at most `timeout` seconds); the seconds it took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout:.0f} s: {what()}")
        time.sleep(0.05)
    return time.monotonic() - started


def send_checkins(crowd: Crowd, slack: SlackStandin, workdir: Path, owners: int) -> None:
    """Plan everyone's next check-in with ``goalbot tick --at NOW``, then send them all with
    ``goalbot tick --at`` their instant, until every owner has a check-in DM."""
    env = crowd_env(crowd, slack, goalbot_send_per_minute="60000")
    now = datetime.now(UTC).replace(microsecond=0)
    run_goalbot(["tick", "--at", now.strftime("%Y-%m-%dT%H:%M:%S%z")], env, workdir)
    with unit_of_work(crowd.engine) as session:
        due = session.execute(select(func.max(Person.next_checkin_at))).scalar_one()
    assert due is not None, "the tick planned no check-in"
    at = due.replace(tzinfo=UTC) if due.tzinfo is None else due
    run_goalbot(["tick", "--at", at.strftime("%Y-%m-%dT%H:%M:%S%z")], env, workdir)
    missing = [n for n in range(1, owners + 1) if not slack.dm_messages(owner(n))]
    assert not missing, f"no check-in DM for owners {missing[:10]}…"

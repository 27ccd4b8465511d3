"""Ack latency of ``goalbot serve`` under bursts of concurrent Slack requests.

Slack gives an app 3 seconds to acknowledge a slash command or a button click; goalbot
acknowledges first and works afterwards, so the HTTP response *is* the ack. This benchmark
starts the real ``goalbot serve --http`` (a subprocess) on a fresh SQLite or PostgreSQL
database holding ``examples/plan.yaml``, against the in-process Slack stand-in, and sends
bursts of CONCURRENCY simultaneous signed requests of one kind from as many client threads
(one keep-alive connection each). A burst is over when every request has its HTTP answer
*and* the bot has done the follow-up work (posted the ephemeral answer, opened the modal)
at the stand-in, so that bursts do not overlap. It reports the ack latency (request sent to
response received) per backend and kind: p50, p95, p99, max and non-200 answers.

    .venv/bin/python bench/ack_latency.py [--backend sqlite|postgres|both] [--rounds N]
"""

from __future__ import annotations

import argparse
import functools
import http.client
import json
import logging
import math
import os
import platform
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from slack_sdk.signature import SignatureVerifier

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    BACKENDS,
    PLAN,
    POSTGRES_URL,
    RESULTS,
    SIGNING_SECRET,
    Backend,
    Summary,
    fresh_database,
    read_plan,
    serve_goalbot,
    standin_for_plan,
)
from bot import ids
from bot.standin import SlackStandin
from bot.standin.forms import find_button
from bot.standin.people import APP_ID, SlackDriver, eventually

TARGET_P99_MS = 100.0
SLACK_LIMIT_MS = 3000.0
EVENTS_PATH = "/slack/events"
DRAIN_TIMEOUT = 60.0
REQUEST_TIMEOUT = 30.0

JSON = dict[str, Any]


# --- what is sent ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of request: how to build it and which stand-in call marks its work done."""

    key: str
    label: str
    follow_up: str  # the stand-in method the bot calls once per request, after the ack
    build: Callable[[Requests, str], str]


class Requests:
    """Slack's request bodies for the plan's people, with fresh trigger ids and response URLs."""

    def __init__(self, slack: SlackStandin) -> None:
        self.slack = slack
        self._homes: dict[str, JSON] = {}

    def load_homes(self, users: Sequence[str]) -> None:
        """Keep every person's App Home (published by the bot) to click its buttons."""
        for user in users:
            self._homes[user] = eventually(functools.partial(self.slack.home_view, user))

    def slash(self, user: str, text: str) -> str:
        """``/goal TEXT`` typed in the person's DM with the bot."""
        channel = self.slack.dm_channel(user)
        fields = {
            "token": "unused",
            "team_id": self.slack.team_id,
            "team_domain": "northwind",
            "channel_id": channel,
            "channel_name": "directmessage",
            "user_id": user,
            "user_name": user.lower(),
            "command": ids.GOAL_COMMAND,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": self.slack.new_response_url(channel, user),
            "trigger_id": self.slack.issue_trigger_id(user),
        }
        return urllib.parse.urlencode(fields)

    def home_click(self, user: str, label: str, action_id: str) -> str:
        """A click on the person's App Home button `label` (``action_id``), as Slack posts it.

        "Check in now" only shows while a check-in is pending, which a freshly imported plan
        has none of: a button not on the Home is sent from the Home's actions block as it
        would be shown.
        """
        view = self._homes[user]
        block, button = _home_button(view, label, action_id)
        action = {
            "type": "button",
            "action_id": button["action_id"],
            "block_id": block.get("block_id", ""),
            "text": button.get("text"),
            "value": button.get("value", ""),
            "action_ts": f"{time.time():.6f}",
        }
        if "style" in button:
            action["style"] = button["style"]
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": self.slack.team_id},
            "api_app_id": APP_ID,
            "token": "unused",
            "container": {"type": "view", "view_id": view.get("id", "")},
            "trigger_id": self.slack.issue_trigger_id(user),
            "team": {"id": self.slack.team_id, "domain": "northwind"},
            "is_enterprise_install": False,
            "view": view,
            "actions": [action],
        }
        return urllib.parse.urlencode({"payload": json.dumps(payload)})


def _home_button(view: JSON, label: str, action_id: str) -> tuple[JSON, JSON]:
    blocks: list[JSON] = view.get("blocks", [])
    try:
        found: tuple[JSON, JSON] = find_button(blocks, label)
        return found
    except LookupError:
        block = next(b for b in blocks if b.get("block_id") == ids.HOME_ACTIONS)
        text = {"type": "plain_text", "text": label, "emoji": True}
        return block, {"type": "button", "action_id": action_id, "text": text}


KINDS: tuple[Kind, ...] = (
    Kind("goal-list", "/goal list", "response_url", lambda r, u: r.slash(u, "list")),
    Kind(
        "goal-list-company",
        "/goal list company",
        "response_url",
        lambda r, u: r.slash(u, "list company"),
    ),
    Kind(
        "button-new-goal",
        "button: New goal (Home)",
        "views.open",
        lambda r, u: r.home_click(u, "New goal", ids.HOME_NEW_GOAL),
    ),
    Kind(
        "button-check-in",
        "button: Check in now (Home)",
        "views.open",
        lambda r, u: r.home_click(u, "Check in now", ids.OPEN_CHECKIN),
    ),
)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


# --- who sends it ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One request's outcome: HTTP status (0: no answer) and ack latency in milliseconds."""

    status: int
    ms: float


class Clients:
    """CONCURRENCY threads, each with a keep-alive connection, sending bursts in step."""

    def __init__(self, bot_url: str, concurrency: int, signing_secret: str) -> None:
        parsed = urllib.parse.urlsplit(bot_url)
        self._host, self._port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self._signer = SignatureVerifier(signing_secret)
        self._bodies: list[str | None] = [None] * concurrency
        self._samples: list[Sample] = [Sample(0, math.nan)] * concurrency
        self._start = threading.Barrier(concurrency + 1)
        self._done = threading.Barrier(concurrency + 1)
        self._threads = [
            threading.Thread(target=self._work, args=(n,), name=f"client-{n}", daemon=True)
            for n in range(concurrency)
        ]
        for thread in self._threads:
            thread.start()

    @property
    def size(self) -> int:
        """How many requests a burst sends."""
        return len(self._bodies)

    def burst(self, bodies: Sequence[str]) -> list[Sample]:
        """Send one body per client, all at once; the samples in the same order."""
        if len(bodies) != len(self._bodies):
            raise ValueError(f"a burst needs {len(self._bodies)} bodies, got {len(bodies)}")
        self._bodies[:] = bodies
        self._start.wait()
        self._done.wait()
        return list(self._samples)

    def close(self) -> None:
        """Stop the client threads."""
        self._bodies[:] = [None] * len(self._bodies)
        self._start.wait()
        for thread in self._threads:
            thread.join(timeout=5)

    def _work(self, n: int) -> None:
        connection = self._connect()
        while True:
            self._start.wait()
            body = self._bodies[n]
            if body is None:
                connection.close()
                return
            self._samples[n], connection = self._send(connection, body)
            self._done.wait()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self._host, self._port, timeout=REQUEST_TIMEOUT)

    def _send(
        self, connection: http.client.HTTPConnection, body: str
    ) -> tuple[Sample, http.client.HTTPConnection]:
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": self._signer.generate_signature(timestamp=stamp, body=body) or "",
        }
        data = body.encode()
        started = time.perf_counter()
        try:
            connection.request("POST", EVENTS_PATH, body=data, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.will_close:
                connection.close()
                connection = self._connect()
            return Sample(response.status, elapsed), connection
        except (OSError, http.client.HTTPException):
            elapsed = (time.perf_counter() - started) * 1000
            connection.close()
            return Sample(0, elapsed), self._connect()


@contextmanager
def clients(bot_url: str, concurrency: int) -> Iterator[Clients]:
    """Client threads for one server, stopped afterwards."""
    pool = Clients(bot_url, concurrency, SIGNING_SECRET)
    try:
        yield pool
    finally:
        pool.close()


# --- one backend ----------------------------------------------------------------------------


@dataclass
class KindResult:
    """Everything measured for one kind of request on one backend."""

    samples: list[Sample] = field(default_factory=list)
    bursts_done_ms: list[float] = field(default_factory=list)  # burst start → all work done
    follow_up_failures: int = 0  # e.g. views.open refused: the work after the ack failed

    def summary(self) -> JSON:
        """The figures for the report and the JSON file."""
        latencies = [s.ms for s in self.samples]
        done = Summary.of(self.bursts_done_ms)
        return {
            **asdict(Summary.of(latencies)),
            "non_200": sum(1 for s in self.samples if s.status != 200),
            "follow_up_failures": self.follow_up_failures,
            "bursts": len(self.bursts_done_ms),
            "burst_handled_ms_p50": done.p50,
            "burst_handled_ms_max": done.max,
        }


def run_backend(
    backend: Backend,
    kinds: Sequence[Kind],
    rounds: int,
    warmup: int,
    concurrency: int,
    slack_latency: float = 0.0,
) -> JSON:
    """Start a fresh stack on `backend` and measure every kind; the figures."""
    log(f"[{backend}] preparing a fresh database (goalbot migrate, goalbot import)")
    with (
        fresh_database(backend) as db_url,
        standin_for_plan(latency=slack_latency, threads=max(32, 2 * concurrency)) as slack,
        serve_goalbot(db_url, slack) as bot_url,
    ):
        log(f"[{backend}] goalbot serve is healthy at {bot_url}")
        return measure(backend, slack, bot_url, kinds, rounds, warmup, concurrency)


def measure(
    backend: Backend,
    slack: SlackStandin,
    bot_url: str,
    kinds: Sequence[Kind],
    rounds: int,
    warmup: int,
    concurrency: int,
) -> JSON:
    """A first (cold) request, every Home opened, then warm-up and measured bursts."""
    people = read_plan(PLAN).user_ids
    requests = Requests(slack)
    driver = SlackDriver(slack, bot_url, SIGNING_SECRET)
    started = time.perf_counter()
    cold = driver.send(requests.slash(people[0], "list"), _FORM)
    cold_ms = (time.perf_counter() - started) * 1000
    for user in people:
        driver.open_home(user)
    requests.load_homes(people)
    results = {kind.key: KindResult() for kind in kinds}
    with clients(bot_url, concurrency) as pool:
        for round_no in range(warmup + rounds):
            measured = round_no >= warmup
            for kind in kinds:
                _burst(pool, slack, requests, kind, people, round_no, results, measured)
            if measured:
                log(f"[{backend}] round {round_no - warmup + 1}/{rounds} done")
            else:
                log(f"[{backend}] warm-up round {round_no + 1}/{warmup} done")
    everything = [s for result in results.values() for s in result.samples]
    all_summary = {
        **asdict(Summary.of([s.ms for s in everything])),
        "non_200": sum(1 for s in everything if s.status != 200),
    }
    return {
        "cold_first_request": {"status": cold.status, "ms": cold_ms},
        "kinds": {key: result.summary() for key, result in results.items()},
        "all": all_summary,
        "target_met": all_summary["p99"] < TARGET_P99_MS and all_summary["non_200"] == 0,
    }


_FORM = "application/x-www-form-urlencoded"


def _burst(
    pool: Clients,
    slack: SlackStandin,
    requests: Requests,
    kind: Kind,
    people: Sequence[str],
    round_no: int,
    results: dict[str, KindResult],
    measured: bool,
) -> None:
    """One burst of a kind; waits until the bot has done the work of every request."""
    count = pool.size
    before = len(slack.calls(kind.follow_up))
    bodies = [kind.build(requests, people[(round_no + n) % len(people)]) for n in range(count)]
    started = time.perf_counter()
    samples = pool.burst(bodies)
    deadline = time.monotonic() + DRAIN_TIMEOUT
    while len(slack.calls(kind.follow_up)) < before + count and time.monotonic() < deadline:
        time.sleep(0.005)
    handled_ms = (time.perf_counter() - started) * 1000
    follow_ups = slack.calls(kind.follow_up)[before:]
    if not measured:
        return
    result = results[kind.key]
    result.samples.extend(samples)
    result.bursts_done_ms.append(handled_ms)
    result.follow_up_failures += sum(1 for call in follow_ups if not call.result.get("ok", False))
    result.follow_up_failures += max(0, count - len(follow_ups))


# --- the report -----------------------------------------------------------------------------


def markdown(report: JSON) -> str:
    """The results as a Markdown table, with the verdict against the target."""
    kinds = {kind.key: kind.label for kind in KINDS}
    lines = [
        f"Ack latency, {report['config']['concurrency']} concurrent requests per burst, "
        f"{report['config']['rounds']} rounds per kind, "
        f"Slack API latency {report['config']['slack_latency_ms']:.0f} ms "
        f"({report['machine']['cpus']} CPUs; target p99 < {TARGET_P99_MS:.0f} ms, "
        f"Slack's limit {SLACK_LIMIT_MS:.0f} ms)",
        "",
        "| Backend | Request | n | p50 ms | p95 ms | p99 ms | max ms | non-200 "
        "| burst handled ms (p50) |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for backend, figures in report["backends"].items():
        for key, row in figures["kinds"].items():
            lines.append(
                f"| {backend} | {kinds[key]} | {row['count']} | {row['p50']:.1f} "
                f"| {row['p95']:.1f} | {row['p99']:.1f} | {row['max']:.1f} | {row['non_200']} "
                f"| {row['burst_handled_ms_p50']:.0f} |"
            )
        row = figures["all"]
        verdict = "met" if figures["target_met"] else "**missed**"
        lines.append(
            f"| {backend} | **all** (target {verdict}) | {row['count']} | {row['p50']:.1f} "
            f"| {row['p95']:.1f} | **{row['p99']:.1f}** | {row['max']:.1f} "
            f"| {row['non_200']} | |"
        )
    lines.append("")
    for backend, figures in report["backends"].items():
        cold = figures["cold_first_request"]
        failures = sum(row["follow_up_failures"] for row in figures["kinds"].values())
        lines.append(
            f"- {backend}: first request after start {cold['ms']:.0f} ms (HTTP {cold['status']});"
            f" follow-up work that failed after the ack: {failures}"
        )
    return "\n".join(lines)


def log(message: str) -> None:
    """Progress, on stderr (the table goes to stdout)."""
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="bench/ack_latency.py",
        description="Ack latency of `goalbot serve` for bursts of concurrent /goal commands "
        "and button clicks, on SQLite and PostgreSQL.",
    )
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
    parser.add_argument("--rounds", type=int, default=20, help="measured bursts per kind")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured bursts per kind first")
    parser.add_argument("--concurrency", type=int, default=50, help="requests per burst")
    parser.add_argument(
        "--slack-latency-ms",
        type=float,
        default=0.0,
        help="delay every stand-in answer, like the real Slack API's round trip (default: 0)",
    )
    parser.add_argument(
        "--kinds",
        default=",".join(KINDS_BY_KEY),
        help=f"comma-separated request kinds (default: all of {', '.join(KINDS_BY_KEY)})",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS / "ack_latency.json",
        help="where to write the JSON results",
    )
    args = parser.parse_args(argv)
    unknown = [key for key in args.kinds.split(",") if key not in KINDS_BY_KEY]
    if unknown:
        parser.error(f"unknown kinds {unknown}; choose among {list(KINDS_BY_KEY)}")
    if args.rounds < 1 or args.concurrency < 1 or args.warmup < 0 or args.slack_latency_ms < 0:
        parser.error("--rounds and --concurrency must be at least 1, the others at least 0")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark, print the table, write the JSON."""
    args = parse_args(argv)
    # The stand-in's waitress warns about every queued request: that is expected here.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    backends: list[Backend] = list(BACKENDS) if args.backend == "both" else [args.backend]
    kinds = [KINDS_BY_KEY[key] for key in args.kinds.split(",")]
    started = time.perf_counter()
    report: JSON = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "config": {
            "concurrency": args.concurrency,
            "rounds": args.rounds,
            "warmup": args.warmup,
            "kinds": [kind.key for kind in kinds],
            "slack_latency_ms": args.slack_latency_ms,
            "postgres_url": POSTGRES_URL if "postgres" in backends else None,
        },
        "target_p99_ms": TARGET_P99_MS,
        "slack_limit_ms": SLACK_LIMIT_MS,
        "backends": {},
    }
    for backend in backends:
        report["backends"][backend] = run_backend(
            backend,
            kinds,
            args.rounds,
            args.warmup,
            args.concurrency,
            args.slack_latency_ms / 1000,
        )
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["target_met"] = all(b["target_met"] for b in report["backends"].values())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(markdown(report))
    log(f"wrote {args.output} ({report['seconds']} s)")


if __name__ == "__main__":
    main()

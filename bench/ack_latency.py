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

    .venv/bin/python bench/ack_latency.py [--backend sqlite|postgres|both] [--rounds N] [--quick]

``run(backend, quick=...)`` gives the figures for ``bench/run_all.py``: p50, p95 and p99 over
every kind (``--quick``: 3 measured rounds after 1 warm-up instead of 20 after 2).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ack_report import SLACK_LIMIT_MS, TARGET_P99_MS, figures, markdown
from bench.ack_traffic import KINDS, KINDS_BY_KEY, Clients, Kind, Requests, Sample, clients
from bench.common import (
    BACKENDS,
    PLAN,
    POSTGRES_URL,
    RESULTS,
    SIGNING_SECRET,
    Backend,
    Summary,
    backend_named,
    fresh_database,
    percentile,
    read_plan,
    serve_goalbot,
    standin_for_plan,
)
from bench.figures import Figure, markdown_table
from devkit.people import SlackDriver
from devkit.standin import SlackStandin

QUICK_ROUNDS, QUICK_WARMUP = 3, 1
SOLO_ROUNDS = 6  # requests of each kind sent one at a time first (the first unmeasured)
CONCURRENCY = 50
DRAIN_TIMEOUT = 60.0

JSON = dict[str, Any]


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
    alone = {kind.key: KindResult() for kind in kinds}
    with clients(bot_url, 1) as single:  # the cost of one request with nothing else going on
        for round_no in range(SOLO_ROUNDS):
            for kind in kinds:
                _burst(single, slack, requests, kind, people, round_no, alone, round_no > 0)
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
    solo = [s.ms for result in alone.values() for s in result.samples]
    solo_done = [ms for result in alone.values() for ms in result.bursts_done_ms]
    return {
        "cold_first_request": {"status": cold.status, "ms": cold_ms},
        "alone": {"ack_ms_p50": percentile(solo, 50), "done_ms_p50": percentile(solo_done, 50)},
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


# --- as a benchmark, and from the command line -------------------------------------------


def run(backend: str, *, quick: bool) -> list[Figure]:
    """Measure one backend with every kind of request; the figures."""
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    rounds, warmup = (QUICK_ROUNDS, QUICK_WARMUP) if quick else (20, 2)
    result = run_backend(backend_named(backend), KINDS, rounds, warmup, CONCURRENCY)
    return figures(backend, result, CONCURRENCY)


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
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY, help="requests per burst")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_ROUNDS} rounds after {QUICK_WARMUP} warm-up (overrides the two options)",
    )
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
    if args.quick:
        args.rounds, args.warmup = QUICK_ROUNDS, QUICK_WARMUP
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
    print()
    print(
        markdown_table(
            [
                figure
                for backend, result in report["backends"].items()
                for figure in figures(backend, result, args.concurrency)
            ]
        )
    )
    log(f"wrote {args.output} ({report['seconds']} s)")


if __name__ == "__main__":
    main()

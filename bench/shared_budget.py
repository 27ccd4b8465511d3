"""Benchmark: one send budget across replicas, measured by the Slack stand-in.

    .venv/bin/python bench/shared_budget.py [--quick] [--speed S] [--owners N] [--replicas R]

Three ``goalbot serve`` processes (``--replicas``) on one fresh PostgreSQL schema post the
check-ins of 3,000 owners (``--quick``: 600), all due at once, to the Slack stand-in, with
``GOALBOT_SEND_PER_MINUTE`` at the workspace's cap of 300 a minute. The stand-in enforces
that cap itself (a token bucket of a minute's worth, as Slack's limits behave) and 1 post a
second per channel, on a clock running S times faster than real time (``--speed``, default
5; ``GOALBOT_BENCH_BUDGET_SPEED``); goalbot's setting is sped up alike (300 x S a real
minute), so the run takes 10 / S minutes of real time (S=1: the real thing). Before the shared
budget, each replica paced itself at the setting and three of them sent three times the cap.

Reported, on the stand-in's clock:

- the workspace-wide rate, first post to last: target at most 5 % over the cap;
- the busiest minute (the most posts in any 60 s window), which includes goalbot's opening
  burst of a second's worth of its rate (5 posts at real speed, 5 x S on the sped-up clock);
- the 429s the stand-in answered (no storm: target 0 at real speed, a handful at most);
- delivered exactly once: every check-in's DM present once (by the delivery id in its
  metadata), every outbox row ``sent``; target: no duplicate, no gap.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.request
from collections import Counter
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from prometheus_client.parser import text_string_to_metric_families

from bench.common import fresh_database, serve_goalbot
from bench.figures import Figure, below, markdown_table
from bot.delivery.tags import delivery_id_of
from devkit.standin import SlackStandin
from devkit.standin.limits import RateLimits
from storage.db import make_engine
from tests.checkin_support import deliveries, seed_owners, seed_workspace

OWNERS, QUICK_OWNERS = 3_000, 600
REPLICAS = 3
CAP_PER_MINUTE = 300.0
SPEED = float(os.environ.get("GOALBOT_BENCH_BUDGET_SPEED", "5"))
"""The stand-in's clock runs this much faster than real time, and goalbot's setting with it."""
OVER_CAP_TARGET = 5.0  # % over the cap, at most
TIMEOUT_MARGIN = 2.0
START_SECONDS = 30.0  # three serve processes coming up one after another


def run(
    backend: str,
    *,
    quick: bool,
    owners: int | None = None,
    speed: float = SPEED,
    replicas: int = REPLICAS,
) -> list[Figure]:
    """Fan N check-ins out through `replicas` ``goalbot serve`` processes; the figures."""
    if backend != "postgres":
        note = "replicas share their budget through PostgreSQL; SQLite serves one process"
        return [Figure("shared send budget across replicas", backend, None, "%", "", None, note)]
    owners = owners or (QUICK_OWNERS if quick else OWNERS)
    limits = RateLimits(enabled=True, post_workspace_per_minute=CAP_PER_MINUTE)
    started = time.monotonic()
    with SlackStandin(rate_limits=limits, speed=speed, threads=16) as slack:
        user_ids = [f"U{n:08d}" for n in range(owners)]
        for user_id in user_ids:
            slack.add_user(user_id.lower(), user_id=user_id)
        with fresh_database("postgres", plan=None) as url:
            _seed(url, slack.team_id, user_ids)
            env = {"GOALBOT_SEND_PER_MINUTE": f"{CAP_PER_MINUTE * speed:g}", "LOG_LEVEL": "WARNING"}
            first_call = len(slack.calls())
            with ExitStack() as stack:
                urls = [
                    stack.enter_context(serve_goalbot(url, slack, extra_env=env))
                    for _ in range(replicas)
                ]
                expected = owners / (CAP_PER_MINUTE / 60 * speed)
                _wait_for_posts(slack, owners, timeout=START_SECONDS + expected * TIMEOUT_MARGIN)
                time.sleep(1.0)  # a post still in flight would show up as a duplicate now
                shares = [_sent_by(bot_url) for bot_url in urls]
            calls = slack.calls()[first_call:]
            posts = Counter(
                delivery_id_of(message.get("metadata"))
                for user_id in user_ids
                for message in slack.dm_messages(user_id)
            )
            rows = deliveries(make_engine(url, pool_size=1))
    wall = time.monotonic() - started
    return _figures(owners, replicas, speed, calls, posts, rows, wall, shares)


def _seed(url: str, team_id: str, user_ids: list[str]) -> None:
    engine = make_engine(url)
    seed_workspace(engine, team_id=team_id)
    due = datetime.now(UTC) - timedelta(minutes=1)  # goalbot serve runs on the real clock
    seed_owners(
        engine, count=len(user_ids), next_checkin_at=due, team_id=team_id, user_ids=user_ids
    )
    engine.dispose()


def _wait_for_posts(slack: SlackStandin, owners: int, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _delivered(slack) < owners:
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"only {_delivered(slack)} of {owners} check-ins after {timeout:.0f} s"
            )
        time.sleep(0.5)


def _delivered(slack: SlackStandin) -> int:
    return sum(1 for call in slack.calls("chat.postMessage") if call.result.get("ok"))


def _sent_by(bot_url: str) -> int:
    """The check-ins one replica posted, from its own ``/metrics``."""
    with urllib.request.urlopen(f"{bot_url}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "goalbot_checkins_sent_total":
                return int(sample.value)
    raise RuntimeError(f"no goalbot_checkins_sent_total in {bot_url}/metrics")


def _busiest_minute(times: list[float]) -> int:
    """The most posts in any 60 s window (two pointers over sorted instants)."""
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 60.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def _figures(
    owners: int,
    replicas: int,
    speed: float,
    calls: list,  # type: ignore[type-arg]
    posts: Counter[int | None],
    rows: list,  # type: ignore[type-arg]
    wall: float,
    shares: list[int],
) -> list[Figure]:
    ok = sorted(
        c.time.timestamp() for c in calls if c.method == "chat.postMessage" and c.result.get("ok")
    )
    limited = sum(1 for c in calls if c.status == 429)
    span = ok[-1] - ok[0] if len(ok) > 1 else float("nan")
    per_minute = 60 * (len(ok) - 1) / span if span > 0 else float("nan")
    over = 100 * (per_minute / CAP_PER_MINUTE - 1)
    busiest = _busiest_minute(ok)
    duplicates = sum(1 for n in posts.values() if n > 1)
    missing = sum(1 for row in rows if row.id not in posts)
    unsent = sum(1 for row in rows if row.status != "sent")
    exact = duplicates == 0 and missing == 0 and unsent == 0 and len(rows) == owners
    scale = (
        f"{replicas} replicas (goalbot serve) on PostgreSQL, {owners:,} owners due at once, "
        f"GOALBOT_SEND_PER_MINUTE = cap = {CAP_PER_MINUTE:g}/min; stand-in clock {speed:g}x real "
        f"time; {wall:.0f} s of real time"
    )
    return [
        Figure(
            "shared send budget: workspace-wide rate over the cap (first post to last)",
            "postgres",
            over,
            "%",
            f"≤ {OVER_CAP_TARGET:g} %",
            None if over != over else over <= OVER_CAP_TARGET,
            f"{per_minute:.1f} posts/min measured by the stand-in over {span / 60:.1f} min; "
            + scale,
        ),
        Figure(
            "shared send budget: busiest minute (posts in any 60 s window)",
            "postgres",
            float(busiest),
            "posts",
            "",
            None,
            f"cap {CAP_PER_MINUTE:g}; includes goalbot's opening burst of a second's worth "
            f"({max(5, round(CAP_PER_MINUTE * speed / 60))} posts at this speed)",
        ),
        Figure(
            "shared send budget: 429s answered by the stand-in",
            "postgres",
            float(limited),
            "answers",
            "≤ 5",
            below(float(limited), 6.0),
            f"{len(calls):,} API calls for {len(ok):,} delivered check-ins",
        ),
        Figure(
            "shared send budget: each check-in delivered exactly once",
            "postgres",
            float(len(ok)),
            "check-ins",
            "all, once",
            exact,
            f"{len(rows):,} outbox rows, {unsent} not sent; DMs per delivery id: "
            f"{duplicates} duplicated, {missing} missing; posted by each replica (its "
            f"goalbot_checkins_sent_total): {' / '.join(f'{n:,}' for n in shares)}",
        ),
    ]


def main() -> None:
    """Run the benchmark once (PostgreSQL) and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_OWNERS} check-ins")
    parser.add_argument("--owners", type=int, default=None, help=f"default {OWNERS:,}")
    parser.add_argument("--speed", type=float, default=SPEED, help="stand-in clock speed")
    parser.add_argument("--replicas", type=int, default=REPLICAS)
    parser.add_argument("--backend", choices=["postgres", "sqlite", "both"], default="postgres")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    figures = [
        figure
        for backend in backends
        for figure in run(
            backend,
            quick=args.quick,
            owners=args.owners,
            speed=args.speed,
            replicas=args.replicas,
        )
    ]
    print(markdown_table(figures))


if __name__ == "__main__":
    main()

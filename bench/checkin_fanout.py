"""Benchmark: the check-in fan-out of ``goalbot serve`` against Slack's rate limits.

    .venv/bin/python bench/checkin_fanout.py [--backend sqlite|postgres|both] [--quick]

A fresh database holds N owners (10,000; 1,000 with ``--quick``) in a dozen time zones, each
owning one active goal, all due now. The real ``goalbot serve`` (a subprocess; its scheduler
ticks at start-up) plans and posts every check-in to the Slack stand-in, which enforces
``chat.postMessage``'s limits at their real tiers (1 a second per channel, and a workspace-wide
cap of 600 a minute) on a clock running SPEED (5, or ``GOALBOT_BENCH_FANOUT_SPEED``) times
faster than real time; goalbot's pacer is set to 95 % of that cap, sped up alike
(``GOALBOT_SEND_PER_MINUTE``), so one process must post ~48 check-ins a real second on this
2-core machine where real Slack would need 9.5. Reported:

- delivered check-ins a second, on the stand-in's clock, sustained (from the 1/20th post to the
  last, past goalbot's opening burst), against the ceiling the cap allows (10 a second):
  target at least 90 %;
- Slack API calls per delivered check-in (every call the stand-in answered during the fan-out,
  429s included): target at most 1.05;
- the peak resident memory of ``goalbot serve`` (the kernel's high-water mark, ``VmHWM``):
  target under 300 MB.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import backend_named, fresh_database, serve_goalbot
from bench.figures import Figure, at_least, below, main_for
from devkit.standin import SlackStandin
from devkit.standin.limits import RateLimits
from storage.db import make_engine
from tests.checkin_support import seed_owners, seed_workspace

OWNERS, QUICK_OWNERS = 10_000, 1_000
SPEED = float(os.environ.get("GOALBOT_BENCH_FANOUT_SPEED", "5"))
"""The stand-in's clock runs this much faster than real time, and goalbot's pacer with it."""
WORKSPACE_CAP_PER_MINUTE = 600.0
PACED_SHARE = 0.95
"""goalbot's send rate as a share of the workspace cap: the headroom keeps it clear of 429s."""
TIMEOUT_MARGIN = 3.0
STEADY_AFTER = 20
"""The rate is measured from the 1/20th post on: the sustained rate, not the opening burst."""
ZONES = (
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Sao_Paulo", "Europe/London", "Europe/Berlin", "Europe/Helsinki",
    "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
)  # fmt: skip


def run(backend: str, *, quick: bool) -> list[Figure]:
    """Fan out N check-ins through ``goalbot serve`` on one backend; its three figures."""
    owners = QUICK_OWNERS if quick else OWNERS
    limits = RateLimits(enabled=True, post_workspace_per_minute=WORKSPACE_CAP_PER_MINUTE)
    with SlackStandin(rate_limits=limits, speed=SPEED) as slack:
        user_ids = [f"U{n:08d}" for n in range(owners)]
        for user_id in user_ids:
            slack.add_user(user_id.lower(), user_id=user_id)
        with fresh_database(backend_named(backend), plan=None) as url:
            _seed(url, slack.team_id, user_ids)
            rate = WORKSPACE_CAP_PER_MINUTE * PACED_SHARE * SPEED
            env = {"GOALBOT_SEND_PER_MINUTE": f"{rate:g}", "LOG_LEVEL": "WARNING"}
            started = len(slack.calls())
            with serve_goalbot(url, slack, extra_env=env):
                pid = _serve_pid()
                _wait_for_posts(slack, owners, timeout=_expected_seconds(owners) * TIMEOUT_MARGIN)
                peak_mb = _peak_rss_mb(pid)
            calls = slack.calls()[started:]
    return _figures(backend, owners, calls, peak_mb)


def _seed(url: str, team_id: str, user_ids: list[str]) -> None:
    engine = make_engine(url)
    seed_workspace(engine, team_id=team_id)
    due = datetime.now(UTC) - timedelta(minutes=1)  # goalbot serve runs on the real clock
    per_zone = -(-len(user_ids) // len(ZONES))
    for index, zone in enumerate(ZONES):
        chunk = user_ids[index * per_zone : (index + 1) * per_zone]
        if chunk:
            seed_owners(
                engine,
                count=len(chunk),
                first=1 + index * per_zone,
                next_checkin_at=due,
                team_id=team_id,
                user_ids=chunk,
                tz=zone,
            )
    engine.dispose()


def _expected_seconds(owners: int) -> float:
    """Real seconds the fan-out takes at the paced rate (plus start-up)."""
    return 10.0 + owners / (WORKSPACE_CAP_PER_MINUTE / 60 * PACED_SHARE * SPEED)


def _wait_for_posts(slack: SlackStandin, owners: int, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _delivered(slack) < owners:
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"only {_delivered(slack)} of {owners} check-ins after {timeout:.0f} s"
            )
        time.sleep(0.25)


def _delivered(slack: SlackStandin) -> int:
    return sum(1 for call in slack.calls("chat.postMessage") if call.result.get("ok"))


def _serve_pid() -> int:
    """The ``goalbot serve`` child of this process (Linux /proc)."""
    me = str(os.getpid())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if ppid == me and b"serve" in argv:
            return int(entry.name)
    raise RuntimeError("goalbot serve is not running")


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc: peak memory unknown")


def _figures(backend: str, owners: int, calls: list, peak_mb: float) -> list[Figure]:  # type: ignore[type-arg]
    posts = [c for c in calls if c.method == "chat.postMessage" and c.result.get("ok")]
    limited = sum(1 for c in calls if c.status == 429)
    steady = posts[len(posts) // STEADY_AFTER :]  # past goalbot's own first-second burst
    span = (steady[-1].time - steady[0].time).total_seconds()
    per_second = (len(steady) - 1) / span if span > 0 else float("nan")
    ceiling = WORKSPACE_CAP_PER_MINUTE / 60
    share = 100 * per_second / ceiling
    per_check_in = len(calls) / len(posts)
    methods = sorted({c.method for c in calls})
    scale = f"{owners:,} owners due at once; stand-in clock {SPEED:g}x real time"
    return [
        Figure(
            "check-in fan-out: delivered/s vs the ceiling Slack's limits allow",
            backend,
            share,
            "%",
            "≥ 90 %",
            at_least(share, 90.0),
            f"{per_second:.2f}/s of {ceiling:g}/s (cap {WORKSPACE_CAP_PER_MINUTE:g}/min), "
            f"{scale}; {limited} answers were 429",
        ),
        Figure(
            "Slack API calls per delivered check-in",
            backend,
            per_check_in,
            "calls",
            "≤ 1.05",
            None if per_check_in != per_check_in else per_check_in <= 1.05,
            f"{len(calls):,} calls ({', '.join(methods)}) for {len(posts):,} check-ins",
        ),
        Figure(
            "peak RSS of goalbot serve during fan-out",
            backend,
            peak_mb,
            "MB",
            "< 300 MB",
            below(peak_mb, 300.0),
            f"VmHWM of the serve process; {scale}",
        ),
    ]


def main() -> None:
    """Run the benchmark on one or both backends and print its figures."""
    main_for(run, __doc__.splitlines()[0] if __doc__ else "check-in fan-out")


if __name__ == "__main__":
    main()

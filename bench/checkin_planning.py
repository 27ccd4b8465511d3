"""Benchmark: planning the check-ins of 10,000 owners due at the same instant.

    .venv/bin/python bench/checkin_planning.py [--backend sqlite|postgres|both]
        [--owners N] [--runs N] [--quick]

Each run starts from a fresh database (migrated with ``goalbot migrate``) holding N owners in
a dozen time zones, each owning one active goal and all due at once, then times one call of
``plan_checkins`` (load due owners, compute every slot, insert the outbox rows, move every
owner to their next check-in). Reports the median and the spread; target: under 2 s.
``--quick`` (and ``run(backend, quick=True)``) plans 1,000 owners once, against the target
scaled to match (0.2 s): planning time grows linearly with the owners due.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BACKENDS, RESULTS, Backend, backend_named, fresh_database
from bench.figures import Figure, below, markdown_table
from bot.checkins.planning import plan_checkins
from bot.domain.clock import FixedClock
from storage.db import make_engine
from tests.checkin_support import seed_owners, seed_workspace

TARGET_SECONDS = 2.0
OWNERS, RUNS = 10_000, 3
QUICK_OWNERS, QUICK_RUNS = 1_000, 1
SLOT = datetime(2027, 1, 7, 15, 0, tzinfo=UTC)
ZONES = (
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Sao_Paulo", "Europe/London", "Europe/Berlin", "Europe/Helsinki",
    "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
)  # fmt: skip


def one_run(backend: Backend, owners: int) -> float:
    """Seconds to plan `owners` due owners on a fresh database."""
    with fresh_database(backend, plan=None) as url:
        engine = make_engine(url)
        seed_workspace(engine)
        per_zone = owners // len(ZONES)
        for index, zone in enumerate(ZONES):
            seed_owners(
                engine, count=per_zone, first=1 + index * per_zone, next_checkin_at=SLOT, tz=zone
            )
        started = time.perf_counter()
        report = plan_checkins(engine, FixedClock(SLOT + timedelta(minutes=5)))
        elapsed = time.perf_counter() - started
        engine.dispose()
        assert report.planned + report.skipped == per_zone * len(ZONES), report
        return elapsed


def measure(backend: Backend, owners: int, runs: int) -> Figure:
    """The median of `runs` plannings of `owners` owners, against the (scaled) target."""
    times = [one_run(backend, owners) for _ in range(runs)]
    median = statistics.median(times)
    limit = TARGET_SECONDS * owners / OWNERS
    scaled = "" if owners == OWNERS else f" ({TARGET_SECONDS:g} s scaled to {owners:,} owners)"
    spread = f"; min {min(times):.2f} s, max {max(times):.2f} s" if runs > 1 else ""
    return Figure(
        f"tick planning time, {owners:,} owners due at once",
        backend,
        median,
        "s",
        f"< {limit:g} s{scaled}",
        below(median, limit),
        f"median of {runs} run{'s' if runs > 1 else ''} on a fresh database{spread}",
    )


def run(backend: str, *, quick: bool) -> list[Figure]:
    """The planning figure for one backend (1,000 owners once with `quick`)."""
    return [
        measure(backend_named(backend), *((QUICK_OWNERS, QUICK_RUNS) if quick else (OWNERS, RUNS)))
    ]


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
    parser.add_argument("--owners", type=int, default=OWNERS)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--quick", action="store_true", help="1,000 owners, one run")
    args = parser.parse_args()
    if args.quick:
        args.owners, args.runs = QUICK_OWNERS, QUICK_RUNS
    backends = BACKENDS if args.backend == "both" else (args.backend,)
    figures = [measure(backend, args.owners, args.runs) for backend in backends]
    print(markdown_table(figures))
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = {f.backend: {"owners": args.owners, "median": f.value} for f in figures}
    (RESULTS / "checkin_planning.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

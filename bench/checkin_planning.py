"""Benchmark: planning the check-ins of 10,000 owners due at the same instant.

    .venv/bin/python bench/checkin_planning.py [--backend sqlite|postgres|both]
        [--owners N] [--runs N]

Each run starts from a fresh database (migrated with ``goalbot migrate``) holding N owners in
a dozen time zones, each owning one active goal and all due at once, then times one call of
``plan_checkins`` (load due owners, compute every slot, insert the outbox rows, move every
owner to their next check-in). Reports the median and the spread; target: under 2 s.
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

from bench.common import BACKENDS, RESULTS, Backend, fresh_database
from bot.checkins.planning import plan_checkins
from bot.clock import FixedClock
from storage.db import make_engine
from tests.checkin_support import seed_owners, seed_workspace

TARGET_SECONDS = 2.0
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


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
    parser.add_argument("--owners", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    backends = BACKENDS if args.backend == "both" else (args.backend,)
    results = {}
    print(f"| backend | owners | median s | min s | max s | target < {TARGET_SECONDS:g} s |")
    print("|---|---|---|---|---|---|")
    for backend in backends:
        times = [one_run(backend, args.owners) for _ in range(args.runs)]
        median = statistics.median(times)
        results[backend] = {"owners": args.owners, "runs": times, "median": median}
        verdict = "met" if median < TARGET_SECONDS else "missed"
        spread = f"{min(times):.2f} | {max(times):.2f}"
        print(f"| {backend} | {args.owners:,} | {median:.2f} | {spread} | {verdict} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "checkin_planning.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

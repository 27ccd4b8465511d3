"""Benchmark: building the weekly digest of the whole company and of a ~500-goal unit.

On the generated org (``bench/generate.py``: 50,000 goals and 1,000,000 updates; 1/10 of it
with ``--quick``), seen on the generator's Monday 09:00: one build is what the digest tick
does before posting, ``bot.digest.service.build_digest`` (the scope's goals with their latest
news, the probes, CSFs, alignment, rhythm, movers, the labels of what is shown, and the Block
Kit messages), in its own transaction. Reports the median of repeated builds after a warm-up,
and the median CPU time of this process (on PostgreSQL the server's work is not in it);
targets: under 1 s for the company, under 100 ms for the unit (issue 7). The chart (matplotlib,
only for the post) is reported apart.

    .venv/bin/python bench/digest_build.py [--backend sqlite|postgres|both] [--quick]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import Figure, below, main_for
from bench.orgs import shared_org
from bot.digest.chart import render_png
from bot.digest.service import BuiltDigest, build_digest
from storage.db import make_engine, unit_of_work

TARGET_SECONDS = 1.0
UNIT_TARGET_SECONDS = 0.1
UNIT_GOALS = 500
WARMUP = 1


def run(backend: str, *, quick: bool) -> list[Figure]:
    """Median build times of the company's digest and a ~500-goal unit's, on `backend`."""
    url, org = shared_org(backend, quick=quick)
    runs = 3 if quick else 7
    engine = make_engine(url)
    try:
        unit = org.unit_with_goals(UNIT_GOALS)
        company = _measure(engine, org.team_id, None, org.now, runs)
        unit_times = _measure(engine, org.team_id, unit, org.now, runs)
        chart = _chart_ms(engine, org.team_id, org.now)
    finally:
        engine.dispose()
    goals = org.rows.get("goal", 0)
    updates = org.rows.get("goal_update", 0)
    return [
        _figure(
            f"company digest build, {goals:,} goals / {updates:,} updates",
            backend,
            company,
            TARGET_SECONDS,
        ),
        _figure(
            f"digest build of a unit with ~{UNIT_GOALS} open goals",
            backend,
            unit_times,
            UNIT_TARGET_SECONDS,
        ),
        Figure(
            "digest chart (PNG of the top goals), rendered for the post",
            backend,
            chart,
            "ms",
            "",
            None,
            "matplotlib Agg; uploaded in the digest's thread after the post",
        ),
    ]


_Timed = tuple[list[float], list[float], BuiltDigest]


def _measure(engine: Engine, team_id: str, unit_id: int | None, now: datetime, runs: int) -> _Timed:
    """Seconds (wall clock, then this process's CPU) of each timed build after the warm-up,
    and the last build."""
    walls: list[float] = []
    cpus: list[float] = []
    built: BuiltDigest | None = None
    for index in range(WARMUP + runs):
        started, cpu = time.perf_counter(), time.process_time()
        with unit_of_work(engine) as session:
            built = build_digest(session, team_id, unit_id, now)
        json.dumps([message.blocks for message in built.messages.all])
        if index >= WARMUP:
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
    assert built is not None
    return walls, cpus, built


def _figure(name: str, backend: str, measured: _Timed, target: float) -> Figure:
    walls, cpus, built = measured
    median = statistics.median(walls)
    content = built.content
    in_ms = target < 1
    scale, unit = (1000, "ms") if in_ms else (1, "s")
    note = (
        f"median of {len(walls)} builds after {WARMUP} warm-up (min {_shown(min(walls), in_ms)}, "
        f"max {_shown(max(walls), in_ms)}; CPU of this process "
        f"{_shown(statistics.median(cpus), in_ms)}); {content.headline.goals:,} active goals in "
        f"scope for {' and '.join(content.periods)}, {len(built.messages.all)} message(s), "
        f"{sum(group.total for group in content.exceptions):,} exceptions"
    )
    target_text = f"< {target * scale:g} {unit}"
    return Figure(name, backend, median * scale, unit, target_text, below(median, target), note)


def _shown(seconds: float, in_ms: bool) -> str:
    return f"{seconds * 1000:.0f} ms" if in_ms else f"{seconds:.2f} s"


def _chart_ms(engine: Engine, team_id: str, now: datetime) -> float:
    with unit_of_work(engine) as session:
        built = build_digest(session, team_id, None, now, with_chart=True)
    if built.chart is None:
        return float("nan")
    started = time.perf_counter()
    render_png(built.chart)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    """Run on the backends asked for and print the figures."""
    main_for(run, "Build time of the weekly digest: the company's and a ~500-goal unit's")


if __name__ == "__main__":
    main()

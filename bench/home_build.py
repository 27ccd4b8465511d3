"""Benchmark: building a lead's App Home when their unit holds about 500 goals.

On the generated org (``bench/generate.py``; 1/10 of it with ``--quick``), the lead of the
unit whose subtree holds the number of open goals closest to 500 opens their Home tab. One
build is what ``handlers/events/home.py`` does before ``views.publish``: the product's
``HomeService.for_person`` (their goals, open check-in, led units' goals with each goal's
latest update) then the ``home_view`` Block Kit builder, then the JSON Slack would be sent.
Reports the median of repeated builds after warm-up; target: under 100 ms.

    .venv/bin/python bench/home_build.py [--backend sqlite|postgres|both] [--quick]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SqlTimer, percentile
from bench.figures import Figure, below, main_for
from bench.orgs import shared_org
from bot.blocks.home import home_view
from bot.domain.clock import FixedClock
from bot.services.goals import GoalService
from bot.services.home import HomeService
from storage.db import make_engine

TARGET_MS = 100.0
GOALS = 500
WARMUP = 2


@dataclass(frozen=True)
class Build:
    """One build's times in ms (the service's split into SQL and Python), and its size."""

    total: float
    service: float
    sql: float  # every statement the service ran
    latest: float  # the statements on goal_update: each goal's latest update
    goals: int
    blocks: int

    @property
    def python(self) -> float:
        """The service's own work (ORM rows, summaries, roll-ups), plus the time SQLite spends
        producing rows while they are fetched, which the statement timer does not see."""
        return self.service - self.sql


def run(backend: str, *, quick: bool) -> list[Figure]:
    """Median build time of the Home of a lead with ~500 goals on `backend`."""
    url, org = shared_org(backend, quick=quick)
    runs = 7 if quick else 25
    engine = make_engine(url)
    try:
        home = HomeService(engine, GoalService(engine, FixedClock(org.now)))
        lead = org.lead_with_goals(GOALS)
        with SqlTimer(engine, "") as sql, SqlTimer(engine, "FROM goal_update") as latest:
            builds = [_build(home, org.team_id, lead, sql, latest) for _ in range(WARMUP + runs)]
    finally:
        engine.dispose()
    builds = builds[WARMUP:]
    median = Build(
        total=statistics.median(b.total for b in builds),
        service=statistics.median(b.service for b in builds),
        sql=statistics.median(b.sql for b in builds),
        latest=statistics.median(b.latest for b in builds),
        goals=builds[0].goals,
        blocks=builds[0].blocks,
    )
    p90 = percentile([b.total for b in builds], 90)
    note = (
        f"median of {runs} builds after {WARMUP} warm-up: HomeService {median.service:.0f} ms ="
        f" statements {median.sql:.0f} ms (latest updates {median.latest:.0f} ms) + the rest "
        f"{median.python:.0f} ms (Python, and the driver's row fetching); Block Kit + JSON "
        f"{median.total - median.service:.0f} ms; p90 {p90:.0f} ms; {median.goals:,} goals "
        f"loaded, {median.blocks} blocks sent"
    )
    met = below(median.total, TARGET_MS)
    title = f"a lead's App Home with {median.goals:,} goals"
    return [Figure(title, backend, median.total, "ms", f"< {TARGET_MS:.0f} ms", met, note)]


def _build(home: HomeService, team_id: str, lead: str, sql: SqlTimer, latest: SqlTimer) -> Build:
    """One build, as the App Home listener does it, timed."""
    sql.reset()
    latest.reset()
    started = time.perf_counter()
    data = home.for_person(team_id=team_id, slack_user_id=lead)
    gathered = time.perf_counter()
    view = home_view(
        my_goals=data.my_goals,
        pending_checkin=data.open_checkin_id is not None,
        led_units=data.led_units,
        is_away_until=data.away_until,
    )
    json.dumps(view)
    done = time.perf_counter()
    goals = len(data.my_goals) + sum(len(goals) for _, goals in data.led_units)
    total, service = (done - started) * 1000, (gathered - started) * 1000
    return Build(total, service, sql.ms, latest.ms, goals, len(view["blocks"]))


def main() -> None:
    """Run on the backends asked for and print the figures."""
    main_for(run, "Build time of a lead's App Home with ~500 goals")


if __name__ == "__main__":
    main()

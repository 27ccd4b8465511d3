"""Write a realistic org into a goalbot database, fast: the data every scale benchmark runs on.

10,000 people in a dozen time zones (a few with none), 1,500 units up to 6 levels deep under
the company, each with a lead and 2-3 CSFs for the fiscal year, 50,000 goals cascaded
company → unit → team → person by the alignment rules (metric, baseline, target, direction,
due date, CSF links; the last quarter's mostly closed) and 1,000,000 progress updates over
the two quarters before `now` (weekly answers from most owners, irregular or stale from some,
with health, confidence, notes, blockers and "no change"). The same seed writes the same rows.

Rows go in through one transaction: SQLAlchemy Core ``insert()`` executemany batches on
SQLite, psycopg's ``COPY`` on PostgreSQL (``bench/orggen/writer.py``), every constraint of
``storage/models.py`` in force. PostgreSQL's statistics are refreshed after the commit
(autovacuum would do it within minutes in production); SQLite gets none, as goalbot never
runs ANALYZE. The database must be at goalbot's schema (the command line migrates first).

    .venv/bin/python bench/generate.py --database-url URL [--scale 0.1] [--seed 7] [--now ISO]
    .venv/bin/python bench/generate.py [--backend sqlite|postgres|both] [--quick]  # benchmark
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, Table, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import Figure, main_for
from bench.orggen import rows as tables
from bench.orggen.goals import Cascade, GoalPlan, plan_csfs
from bench.orggen.org import UnitPlan, plan_people, plan_units
from bench.orggen.timeline import Timeline
from bench.orggen.updates import COLUMNS as UPDATE_COLUMNS
from bench.orggen.updates import rows as update_rows
from bench.orggen.updates import schedule, tracks
from bench.orggen.writer import BATCH, BulkWriter, analyze
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Csf, Goal, GoalUpdate, Person, Unit, Workspace

TEAM_ID = "TGLOBEX01"
# A Monday, 09:00 UTC (the default digest slot), late in 2027-Q2: the two quarters of
# updates before it are 2027-Q1 and 2027-Q2.
NOW = datetime(2027, 6, 21, 9, 0, tzinfo=UTC)
QUICK_SCALE = 0.1


def _table(model: type) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


WORKSPACE, UNIT, PERSON, CSF, GOAL, UPDATE = map(
    _table, (Workspace, Unit, Person, Csf, Goal, GoalUpdate)
)
WITH_IDS = (UNIT, PERSON, CSF, GOAL, UPDATE)


@dataclass(frozen=True)
class OrgSize:
    """How big the generated org is; ``scaled(0.1)`` is the quick, 1/10 version."""

    people: int = 10_000
    units: int = 1_500
    goals: int = 50_000
    updates: int = 1_000_000
    zones: int = 12
    depth: int = 6

    def scaled(self, factor: float) -> OrgSize:
        """The same org, `factor` times as big (zones and depth stay; never empty)."""
        units = max(self.depth, round(self.units * factor))
        people = max(units, round(self.people * factor))
        goals = max(units, round(self.goals * factor))
        return replace(
            self, people=people, units=units, goals=goals, updates=round(self.updates * factor)
        )


@dataclass(frozen=True)
class UnitFacts:
    """A generated unit: its level, its lead and the open goals of its subtree."""

    id: int
    key: str
    level: int
    lead_slack_id: str
    open_goals: int  # draft or active goals of this unit and every unit below it


@dataclass(frozen=True)
class GeneratedOrg:
    """What was written, where to find it, and how long each table took."""

    team_id: str
    company_unit_id: int
    seconds: dict[str, float]  # time per table written (goal_update: generating its rows too)
    rows: dict[str, int] = field(default_factory=dict)
    units: tuple[UnitFacts, ...] = ()
    now: datetime = NOW
    plan_seconds: float = 0.0  # planning units, people, goals and update times in memory
    analyze_seconds: float = 0.0  # PostgreSQL's ANALYZE after the commit
    total_seconds: float = 0.0

    def unit_with_goals(self, about: int) -> int:
        """Id of a unit whose subtree holds about `about` open goals (the closest there is)."""
        return self._closest(about).id

    def lead_with_goals(self, about: int) -> str:
        """Slack id of a lead whose unit and the units below hold about `about` open goals."""
        return self._closest(about).lead_slack_id

    def open_goals_of(self, unit_id: int) -> int:
        """How many open goals a unit's subtree holds."""
        return next(unit.open_goals for unit in self.units if unit.id == unit_id)

    def _closest(self, about: int) -> UnitFacts:
        if not self.units:
            raise ValueError("this org has no units")
        return min(self.units, key=lambda unit: (abs(unit.open_goals - about), unit.id))


def generate(
    engine: Engine,
    size: OrgSize = OrgSize(),
    *,
    seed: int = 7,
    now: datetime,
    team_id: str = TEAM_ID,
) -> GeneratedOrg:
    """Write a generated org of `size` as workspace `team_id`, seen on `now`; what was written."""
    started = time.perf_counter()
    rng, timeline = random.Random(seed), Timeline.at(now)
    with engine.begin() as connection:
        if connection.execute(select(WORKSPACE.c.id).where(WORKSPACE.c.id == team_id)).first():
            raise ValueError(f"workspace {team_id} already exists in this database")
        writer = BulkWriter(connection)
        first = {table.name: writer.next_id(table) for table in WITH_IDS}
        units = plan_units(rng, size.units, size.depth, first["unit"])
        people = plan_people(rng, units, size.people, size.zones, timeline, first["person"])
        csfs = plan_csfs(rng, units, timeline.year, first["csf"])
        goals = Cascade(rng, timeline, units, csfs, first["goal"]).plan(people, size.goals)
        keys = schedule(rng, timeline, goals, people, size.updates)
        planned = time.perf_counter() - started
        writer.insert(WORKSPACE, tables.workspace_row(team_id, timeline))
        writer.write(UNIT, tables.UNIT_COLUMNS, tables.unit_rows(team_id, units, timeline.setup))
        writer.write(PERSON, tables.PERSON_COLUMNS, tables.person_rows(team_id, people, timeline))
        writer.write(CSF, tables.CSF_COLUMNS, tables.csf_rows(team_id, csfs, timeline.setup))
        writer.write(GOAL, tables.GOAL_COLUMNS, tables.goal_rows(team_id, goals))
        batches = update_rows(rng, keys, tracks(goals), team_id, first["goal_update"], BATCH)
        writer.write_batches(UPDATE, UPDATE_COLUMNS, batches)
        writer.finish(WITH_IDS)
    with engine.begin() as connection:
        analyzed = analyze(connection, [UNIT, PERSON, CSF, GOAL, UPDATE])
    return GeneratedOrg(
        team_id=team_id,
        company_unit_id=units[0].id,
        seconds=writer.seconds,
        rows=writer.rows,
        units=_facts(units, goals, {p.id: p.slack_user_id for p in people}),
        now=timeline.now,
        plan_seconds=planned,
        analyze_seconds=analyzed,
        total_seconds=time.perf_counter() - started,
    )


def _facts(
    units: list[UnitPlan], goals: list[GoalPlan], slack_ids: dict[int, str]
) -> tuple[UnitFacts, ...]:
    """Each unit with the open goals of its subtree (children are added up into parents)."""
    open_goals = {unit.id: 0 for unit in units}
    for goal in goals:
        open_goals[goal.unit_id] += goal.is_open
    for unit in reversed(units):  # deepest first: a unit's total is final before its parent's
        if unit.parent_id is not None:
            open_goals[unit.parent_id] += open_goals[unit.id]
    return tuple(
        UnitFacts(unit.id, unit.key, unit.level, slack_ids[unit.lead_id], open_goals[unit.id])
        for unit in units
    )


# --- as a benchmark, and from the command line ---------------------------------------------


def figures(org: GeneratedOrg, backend: str) -> list[Figure]:
    """The generator's own figures: time and rows/s for the updates, and the whole org."""
    updates = org.rows.get(UPDATE.name, 0)
    update_seconds = org.seconds.get(UPDATE.name, 0.0)
    rate = updates / update_seconds if update_seconds else None
    written = sum(org.rows.values())
    per_table = ", ".join(
        f"{name} {org.rows[name]:,} rows in {seconds:.1f} s"
        for name, seconds in org.seconds.items()
    )
    return [
        Figure(
            f"generator: {updates:,} updates written",
            backend,
            update_seconds,
            "s",
            "",
            None,
            note=f"{rate:,.0f} rows/s, generating the rows included" if rate else "",
        ),
        Figure(
            f"generator: whole org, {written:,} rows in 6 tables",
            backend,
            org.total_seconds,
            "s",
            "",
            None,
            note=f"planning {org.plan_seconds:.1f} s; {per_table}; "
            f"ANALYZE {org.analyze_seconds:.1f} s",
        ),
    ]


def run(backend: str, *, quick: bool) -> list[Figure]:
    """Generate the benchmark org (1/10 with `quick`) on a fresh database; the figures."""
    from bench.orgs import shared_org

    _, org = shared_org(backend, quick=quick)
    return figures(org, backend)


def report(org: GeneratedOrg) -> str:
    """Rows, seconds and rows/s per table, as plain text."""
    lines = [f"{'table':<14}{'rows':>12}{'seconds':>10}{'rows/s':>12}"]
    for name, seconds in org.seconds.items():
        count = org.rows[name]
        rate = f"{count / seconds:,.0f}" if seconds else "-"
        lines.append(f"{name:<14}{count:>12,}{seconds:>10.2f}{rate:>12}")
    lines.append(
        f"planning {org.plan_seconds:.2f} s, ANALYZE {org.analyze_seconds:.2f} s, "
        f"total {org.total_seconds:.2f} s"
    )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="bench/generate.py",
        description="Write the benchmark org into --database-url; without it, run the "
        "generator as a benchmark on fresh databases (--backend, --quick).",
    )
    parser.add_argument("--database-url", help="the database to write to (migrated first)")
    parser.add_argument("--scale", type=float, default=1.0, help="size factor (default 1)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--now", type=datetime.fromisoformat, default=NOW, help="ISO instant")
    parser.add_argument("--team-id", default=TEAM_ID)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="as a benchmark: 1/10 scale")
    args = parser.parse_args(argv)
    if args.scale <= 0 or args.now.tzinfo is None:
        parser.error("--scale must be positive and --now must carry a UTC offset")
    return args


def main(argv: list[str] | None = None) -> None:
    """Migrate the database and write the org, printing the time per table (or benchmark)."""
    args = parse_args(argv)
    if args.database_url is None:
        main_for(
            run,
            "The generator as a benchmark",
            ["--backend", args.backend] + (["--quick"] if args.quick else []),
        )
        return
    engine = make_engine(args.database_url)
    try:
        upgrade(engine)
        size = OrgSize().scaled(args.scale)
        print(f"generating {size} with seed {args.seed}, now {args.now.isoformat()}")
        org = generate(engine, size, seed=args.seed, now=args.now, team_id=args.team_id)
    finally:
        engine.dispose()
    print(report(org))


if __name__ == "__main__":
    main()

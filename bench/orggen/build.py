"""The generator's core: plan a realistic org in memory, then write it in one transaction.

``bench/generate.py`` runs it from the command line and as a benchmark; ``bench/orgs.py``
shares one generated org per backend and scale between the benchmarks of a process.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from sqlalchemy import Engine, Table, select

from bench.orggen import rows as tables
from bench.orggen.goals import Cascade, GoalPlan, plan_csfs
from bench.orggen.org import UnitPlan, plan_people, plan_units
from bench.orggen.timeline import Timeline
from bench.orggen.updates import COLUMNS as UPDATE_COLUMNS
from bench.orggen.updates import rows as update_rows
from bench.orggen.updates import schedule, tracks
from bench.orggen.writer import BATCH, BulkWriter, analyze
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

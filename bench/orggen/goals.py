"""CSFs and the goal cascade: company → unit → team → person, by the alignment rules.

A goal's parent is a goal of the same unit or a unit above it, in the same period or the
fiscal year that encloses it (``bot.domain.cascade.alignment_problem``); a CSF link is to a
CSF of the goal's own unit whose period encloses the goal's (``goal_checks._check_csf``). Goals are
planned top-down, so a parent is always planned (and written) before its children.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from bench.orggen.org import PersonPlan, UnitPlan
from bench.orggen.timeline import Timeline, pick, split
from bench.orggen.vocabulary import CSF_KPIS, CSF_TITLES
from bench.orggen.wording import Wording, word
from bot.domain.periods import Period
from storage.models import GoalStatus, Visibility

UNIT_GOAL_SHARE_MAX = 0.4  # at most this share of all goals are units' own goals
UNIT_GOALS = {1: (8, 8), 2: (5, 8)}  # a unit's own goals by level (deeper: 2 to 5)
CLOSED = ((GoalStatus.ACHIEVED, 45.0), (GoalStatus.MISSED, 35.0), (GoalStatus.CARRIED_OVER, 20.0))
PACES = ((1.1, 25.0), (0.95, 35.0), (0.75, 25.0), (0.45, 15.0))  # ahead, on plan, behind, failing
VISIBILITIES = ((Visibility.PUBLIC, 94.0), (Visibility.UNIT, 5.0), (Visibility.PRIVATE, 1.0))
WEIGHTS = ((1.0, 85.0), (2.0, 10.0), (0.5, 5.0))


@dataclass(frozen=True)
class CsfPlan:
    """A unit's critical success factor for the fiscal year."""

    id: int
    key: str
    unit_id: int
    period: Period
    rank: int
    title: str
    kpi: str | None


@dataclass
class GoalPlan:
    """A goal to write, and how well it goes (``pace``: 1.0 is exactly on plan; not stored)."""

    id: int
    number: int
    unit_id: int
    owner_id: int
    period: Period
    parent_id: int | None
    csf_id: int | None
    status: GoalStatus
    created_at: datetime
    closed_at: datetime | None
    pace: float
    wording: Wording
    visibility: Visibility = Visibility.PUBLIC
    weight: float = 1.0

    @property
    def is_open(self) -> bool:
        """Draft or active: shown in lists, asked about in check-ins."""
        return self.status in (GoalStatus.DRAFT, GoalStatus.ACTIVE)


def plan_csfs(
    rng: random.Random, units: list[UnitPlan], year: Period, first_id: int
) -> list[CsfPlan]:
    """Two or three CSFs for the fiscal year in every unit."""
    csfs: list[CsfPlan] = []
    for unit in units:
        titles = rng.sample(CSF_TITLES, rng.choice((2, 3)))
        for rank, title in enumerate(titles, start=1):
            key = f"{unit.key[:50]}-{year}-{rank}".lower()
            kpi = rng.choice(CSF_KPIS)
            csfs.append(CsfPlan(first_id + len(csfs), key, unit.id, year, rank, title, kpi))
    return csfs


class Cascade:
    """Plans goals top-down, remembering each unit's goals by period to align children."""

    def __init__(
        self,
        rng: random.Random,
        timeline: Timeline,
        units: list[UnitPlan],
        csfs: list[CsfPlan],
        first_id: int,
    ) -> None:
        self._rng, self._time, self._first_id = rng, timeline, first_id
        self._units = {unit.id: unit for unit in units}
        self._csfs: dict[int, list[CsfPlan]] = {}
        for csf in csfs:
            self._csfs.setdefault(csf.unit_id, []).append(csf)
        self._by_unit_period: dict[tuple[int, Period], list[GoalPlan]] = {}
        self.goals: list[GoalPlan] = []

    def plan(self, people: list[PersonPlan], total: int) -> list[GoalPlan]:
        """Exactly `total` goals: each unit's own goals first, then people's personal goals."""
        units = list(self._units.values())
        per_unit = self._unit_goal_counts(units, total)
        for unit, count in zip(units, per_unit, strict=True):
            for _ in range(count):
                self._unit_goal(unit)
        owners = [person for person in people if self._units[person.unit_id].lead_id != person.id]
        owners = owners or people
        weights = [
            0.0 if self._rng.random() < 0.03 else self._rng.uniform(0.6, 1.6) for _ in owners
        ]
        if not any(weights):
            weights = [1.0] * len(owners)
        drawn = Counter(p.id for p in self._rng.choices(owners, weights, k=total - len(self.goals)))
        for person in owners:
            for _ in range(drawn[person.id]):
                self._personal_goal(person)
        return self.goals

    def _unit_goal_counts(self, units: list[UnitPlan], total: int) -> list[int]:
        wanted = [self._rng.randint(*UNIT_GOALS.get(unit.level, (2, 5))) for unit in units]
        budget = min(sum(wanted), max(len(units), int(total * UNIT_GOAL_SHARE_MAX)), total)
        if budget >= sum(wanted):
            return wanted
        return split(budget, wanted, minimum=1 if budget >= len(units) else 0)

    def _unit_goal(self, unit: UnitPlan) -> None:
        rng = self._rng
        if unit.level == 1:
            period = self._time.year
        elif unit.level == 2:
            period = pick(rng, ((self._time.year, 70.0), (self._time.current, 30.0)))
        else:
            period = pick(
                rng,
                ((self._time.year, 30.0), (self._time.current, 55.0), (self._time.previous, 15.0)),
            )
        others = [pid for pid in unit.members if pid != unit.lead_id]
        owner = rng.choice(others) if others and rng.random() < 0.2 else unit.lead_id
        chain = self._ancestors(unit.parent_id)
        parent = None if unit.level == 1 or rng.random() < 0.04 else self._parent(chain, period)
        self._add(unit, owner, period, parent, csf_share=0.8)

    def _personal_goal(self, person: PersonPlan) -> None:
        period = pick(
            self._rng,
            ((self._time.current, 50.0), (self._time.year, 30.0), (self._time.previous, 20.0)),
        )
        unit = self._units[person.unit_id]
        parent = (
            None if self._rng.random() < 0.06 else self._parent(self._ancestors(unit.id), period)
        )
        self._add(unit, person.id, period, parent, csf_share=0.35)

    def _ancestors(self, unit_id: int | None) -> list[int]:
        chain = []
        while unit_id is not None:
            chain.append(unit_id)
            unit_id = self._units[unit_id].parent_id
        return chain

    def _parent(self, chain: list[int], period: Period) -> GoalPlan | None:
        """A goal of the nearest unit up the chain that has one in an enclosing period."""
        periods = [period] if period.is_year else [period, period.year_period()]
        for unit_id in chain:
            found = [g for p in periods for g in self._by_unit_period.get((unit_id, p), ())]
            if found and self._rng.random() < 0.9:
                return self._rng.choice(found)
        return None

    def _add(
        self, unit: UnitPlan, owner: int, period: Period, parent: GoalPlan | None, csf_share: float
    ) -> None:
        rng, timeline = self._rng, self._time
        start = timeline.start(period)
        lead_days = rng.randint(5, 25) if period.is_year else rng.randint(0, 20)
        created = (
            start - timedelta(days=lead_days) + timedelta(minutes=rng.randint(8 * 60, 18 * 60))
        )
        if parent is not None:
            created = max(created, parent.created_at + timedelta(hours=1))
        created = min(created, timeline.now - timedelta(hours=1))
        status, closed = self._status(period, created)
        csfs = [c for c in self._csfs.get(unit.id, ()) if c.period.encloses(period)]
        csf = rng.choice(csfs) if csfs and rng.random() < csf_share else None
        goal = GoalPlan(
            id=self._first_id + len(self.goals),
            number=len(self.goals) + 1,
            unit_id=unit.id,
            owner_id=owner,
            period=period,
            parent_id=parent.id if parent is not None else None,
            csf_id=csf.id if csf is not None else None,
            status=status,
            created_at=created,
            closed_at=closed,
            pace=pick(rng, PACES) * rng.uniform(0.9, 1.1),
            wording=word(rng, period, unit.name),
            visibility=pick(rng, VISIBILITIES),
            weight=pick(rng, WEIGHTS),
        )
        self.goals.append(goal)
        self._by_unit_period.setdefault((unit.id, period), []).append(goal)

    def _status(self, period: Period, created: datetime) -> tuple[GoalStatus, datetime | None]:
        rng, timeline = self._rng, self._time
        if period == timeline.previous and rng.random() < 0.65:
            closed = timeline.end(period) + timedelta(
                days=rng.randint(0, 14), hours=rng.randint(9, 17)
            )
            return pick(rng, CLOSED), min(closed, timeline.now - timedelta(minutes=30))
        draw = rng.random()
        if draw < 0.015:
            span = max(1, int((timeline.now - created).total_seconds()))
            return GoalStatus.DROPPED, created + timedelta(seconds=rng.randint(0, span - 1))
        if draw < 0.02:
            return GoalStatus.DRAFT, None
        return GoalStatus.ACTIVE, None

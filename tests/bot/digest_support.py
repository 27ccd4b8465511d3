"""A known org for digest tests: the example plan plus six weeks of generated check-in updates.

``seed_known_org`` imports ``examples/plan.yaml`` (Northwind Analytics, America/New_York) and
writes updates every Thursday of 2027-Q1 up to the digest, from a seeded random generator:
each active goal gets a profile (steady, behind, optimistic, slipping, blocked, stalled,
silent) dealt round-robin from a shuffled deck, so every section of the digest has content
and the same seed always gives the same rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.domain.clock import FixedClock
from bot.plan import import_plan
from storage.db import unit_of_work
from storage.models import Goal, GoalStatus, GoalUpdate, Health, Person, UpdateSource

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "examples" / "plan.yaml"
TEAM = "T0NW00000"
IMPORTED_AT = datetime(2026, 12, 20, 12, 0, tzinfo=UTC)
DIGEST_AT = datetime(2027, 2, 15, 14, 0, tzinfo=UTC)  # Monday 09:00 in New York
CHECKIN_DAYS = tuple(date(2027, 1, 7) + timedelta(weeks=week) for week in range(6))
PROFILES = ("steady", "behind", "optimist", "slipping", "blocked", "stalled", "silent", "steady")
AWAY = "U0NW0015"  # Tom Walsh is on leave: the rhythm does not count him


@dataclass(frozen=True)
class Trajectory:
    """How one goal's updates go: pace against expected progress, health, confidence."""

    pace: float
    health: Health
    confidence: int
    last_week: int = len(CHECKIN_DAYS) - 1  # the last check-in answered


def seed_known_org(engine: Engine, seed: int = 2027) -> None:
    """Import the example plan and generate its updates (see the module docstring)."""
    import_plan(engine, PLAN, FixedClock(IMPORTED_AT))
    rng = random.Random(seed)
    with unit_of_work(engine) as session:
        goals = list(
            session.exec(
                select(Goal)
                .where(Goal.team_id == TEAM, Goal.status == GoalStatus.ACTIVE)
                .order_by(Goal.number)  # type: ignore[arg-type]
            )
        )
        deck = list(PROFILES)
        rng.shuffle(deck)
        for index, goal in enumerate(goals):
            profile = deck[index % len(deck)]
            session.add_all(_updates(goal, profile, rng))
        away = session.exec(select(Person).where(Person.slack_user_id == AWAY)).one()
        away.away_until = date(2027, 3, 1)
        _add_gaps(session, goals)


def _add_gaps(session: Session, goals: list[Goal]) -> None:
    """Two alignment gaps the plan does not have: an orphan team goal, and a company goal
    nobody supports."""
    by_key = {goal.key: goal for goal in goals}
    na, company = by_key["na-q1-new-arr"], by_key["company-arr"]
    number = max(goal.number for goal in goals)
    for offset, (title, unit_id, owner_id, period) in enumerate(
        [
            ("Hire two solutions engineers", na.unit_id, na.owner_id, "2027-Q1"),
            ("Open a Singapore office", company.unit_id, company.owner_id, "FY2027"),
        ],
        start=1,
    ):
        session.add(
            Goal(
                team_id=TEAM,
                number=number + offset,
                title=title,
                owner_id=owner_id,
                unit_id=unit_id,
                period=period,
                created_at=IMPORTED_AT,
                updated_at=IMPORTED_AT,
            )
        )


def _trajectory(profile: str, rng: random.Random) -> Trajectory | None:
    steady = Trajectory(rng.uniform(0.95, 1.15), Health.ON_TRACK, rng.randint(7, 9))
    return {
        "steady": steady,
        "behind": Trajectory(rng.uniform(0.55, 0.75), Health.AT_RISK, rng.randint(5, 6)),
        "optimist": Trajectory(rng.uniform(0.15, 0.3), Health.ON_TRACK, 8),
        "slipping": Trajectory(rng.uniform(0.8, 0.9), Health.AT_RISK, 8),
        "blocked": Trajectory(rng.uniform(0.4, 0.6), Health.OFF_TRACK, 5),
        "stalled": Trajectory(rng.uniform(0.6, 0.9), Health.ON_TRACK, 7, last_week=2),
        "silent": None,
    }[profile]


def _updates(goal: Goal, profile: str, rng: random.Random) -> list[GoalUpdate]:
    path = _trajectory(profile, rng)
    if path is None:
        return []
    rows = []
    for week, day in enumerate(CHECKIN_DAYS[: path.last_week + 1]):
        at = datetime(day.year, day.month, day.day, 15, rng.randint(0, 59), tzinfo=UTC)
        last = week == len(CHECKIN_DAYS) - 1
        confidence = path.confidence - (3 if profile == "slipping" and last else 0)
        rows.append(
            GoalUpdate(
                team_id=goal.team_id,
                goal_id=goal.id or 0,
                value=_value(goal, at, _pace(path, profile, last) * rng.uniform(0.97, 1.03)),
                health=Health.OFF_TRACK if profile == "slipping" and last else path.health,
                confidence=confidence,
                note="Waiting on legal to approve the reseller terms"
                if profile == "blocked"
                else "",
                blocker=profile == "blocked" and week >= 2,
                author_id=goal.owner_id,
                source=UpdateSource.MODAL if week % 2 else UpdateSource.BUTTON,
                created_at=at,
            )
        )
    return rows


def _pace(path: Trajectory, profile: str, last: bool) -> float:
    """A slipping goal loses ground in its last week."""
    return path.pace * (0.6 if profile == "slipping" and last else 1.0)


def _value(goal: Goal, at: datetime, pace: float) -> float | None:
    """Where the goal's metric would be at `at` when progressing at `pace` times the plan."""
    if goal.baseline is None or goal.target is None:
        return None
    start = date(2027, 1, 1)
    end = goal.due_date or date(2027, 3, 31)
    share = min(1.0, max(0.0, (at.date() - start).days / max(1, (end - start).days)) * pace)
    return round(goal.baseline + (goal.target - goal.baseline) * share, 2)

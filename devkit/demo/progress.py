"""What the simulated people report: each goal's value, health, confidence and note in a week.

A person knows their goals from the plan (baseline, target, direction); the bot tells them
which goal is which (``G-12 Title`` in the check-in). Values follow the person's pace through
the quarter, with a little seeded noise.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from devkit.demo.personas import Persona

QUARTER_WEEKS = 12
NOTES = {
    "on_track": (
        "two new logos signed this week",
        "pipeline review done, on plan",
        "the launch landed well",
        "ahead of plan after a strong week",
    ),
    "at_risk": (
        "two deals slipped to next month",
        "hiring is behind by one person",
        "a big renewal is wobbling",
        "the campaign started a week late",
    ),
    "off_track": (
        "lost the two largest deals to the incumbent",
        "the scope doubled, the team did not",
        "no movement since the reorg",
    ),
}


@dataclass(frozen=True)
class PlanGoal:
    """A goal as its owner knows it from the plan."""

    title: str
    owner: str
    period: str
    baseline: float | None
    target: float | None


@dataclass(frozen=True)
class Report:
    """One goal's answer in one week."""

    value: float | None
    health: str
    confidence: int
    note: str
    blocked: bool


def read_goals(plan: Path) -> dict[str, PlanGoal]:
    """The plan's goals by title."""
    data: dict[str, Any] = yaml.safe_load(plan.read_text(encoding="utf-8"))
    goals = {}
    for entry in data.get("goals", []):
        metric = entry.get("metric") or {}
        goals[str(entry["title"])] = PlanGoal(
            title=str(entry["title"]),
            owner=str(entry.get("owner", "")),
            period=str(entry.get("period", "")),
            baseline=_number(metric.get("baseline")),
            target=_number(metric.get("target")),
        )
    return goals


def report_for(goal: PlanGoal, persona: Persona, week: int, seed: int) -> Report:
    """What the owner reports on `goal` in `week` of the quarter."""
    rng = random.Random(f"{seed}:{goal.title}:{week}")
    pace = max(0.2, persona.pace + rng.uniform(-0.08, 0.08))
    health = "on_track" if pace >= 0.85 else "at_risk" if pace >= 0.65 else "off_track"
    blocked = week in persona.blocked_weeks
    if blocked:
        health = "off_track" if health == "off_track" else "at_risk"
    note = persona.blocker if blocked else rng.choice(NOTES[health])
    confidence = {"on_track": 8, "at_risk": 6, "off_track": 4}[health] + rng.choice((-1, 0, 1))
    return Report(_value(goal, pace, week), health, confidence, note, blocked)


def _value(goal: PlanGoal, pace: float, week: int) -> float | None:
    if goal.baseline is None or goal.target is None:
        return None
    share = min(week, QUARTER_WEEKS) / QUARTER_WEEKS
    if not goal.period.endswith(("Q1", "Q2", "Q3", "Q4")):
        share /= 4  # a year's goal moves a quarter of the way in one quarter
    span = goal.target - goal.baseline
    value = goal.baseline + span * pace * share
    counted = goal.baseline.is_integer() and goal.target.is_integer() and abs(span) >= 2
    digits = 0 if counted or abs(span) >= 100 else 1 if abs(span) >= 10 else 2
    return round(value, digits) if digits else float(round(value))


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

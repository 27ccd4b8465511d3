"""The simulated people of the demo: how and when each answers a check-in, and with what.

Pure decisions, seeded: the same plan and seed play the same quarter. The example plan's
people have hand-picked characters (a typist, a modal filler, one who goes quiet and gets
escalated, one who answers only after the reminder, two who report blockers, one away for a
week); anyone else gets a character drawn from the seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

How = Literal["no_change", "modal", "typed", "away"]
Style = Literal["buttons", "modal", "typed"]


@dataclass(frozen=True)
class Persona:
    """One person's habits over the quarter (weeks count from 1)."""

    style: Style
    pace: float  # share of the quarter's target they reach by its end
    delay_minutes: int  # how long they usually take to answer
    silent_weeks: frozenset[int] = frozenset()  # never answers: missed, reminded, escalated
    late_weeks: frozenset[int] = frozenset()  # answers only once reminded
    away_weeks: frozenset[int] = frozenset()
    blocked_weeks: frozenset[int] = frozenset()
    blocker: str = ""


@dataclass(frozen=True)
class Answer:
    """How a person answers one check-in, and how long after it arrived."""

    how: How
    after: timedelta


CAST: dict[str, Persona] = {
    "U0NW0001": Persona("buttons", 0.95, 45),
    "U0NW0002": Persona("modal", 0.85, 30, late_weeks=frozenset({4, 9})),
    "U0NW0003": Persona("modal", 0.9, 90),
    "U0NW0004": Persona("modal", 1.0, 60),
    "U0NW0005": Persona("typed", 1.05, 20),
    "U0NW0006": Persona("buttons", 0.9, 75),
    "U0NW0007": Persona("typed", 1.1, 15),
    "U0NW0008": Persona("buttons", 0.6, 120, silent_weeks=frozenset({1, 2, 3})),
    "U0NW0009": Persona("modal", 0.8, 40),
    "U0NW0010": Persona(
        "modal",
        0.7,
        50,
        blocked_weeks=frozenset({5, 6, 7}),
        blocker="waiting on legal to approve the new MSA template",
    ),
    "U0NW0011": Persona("buttons", 0.85, 240, late_weeks=frozenset({2, 6, 10})),
    "U0NW0012": Persona("typed", 0.95, 25),
    "U0NW0013": Persona("buttons", 1.0, 35, away_weeks=frozenset({7})),
    "U0NW0014": Persona("modal", 0.75, 65, away_weeks=frozenset({10})),
    "U0NW0015": Persona("typed", 0.9, 55),
    "U0NW0016": Persona("buttons", 0.95, 80),
    "U0NW0017": Persona(
        "modal",
        0.65,
        45,
        blocked_weeks=frozenset({8, 9}),
        blocker="blocked by the data-platform migration freeze",
    ),
}


def persona_for(slack_id: str, seed: int) -> Persona:
    """The cast's character for a person of the example plan, else one drawn from the seed."""
    if slack_id in CAST:
        return CAST[slack_id]
    rng = random.Random(f"{seed}:{slack_id}")
    style: Style = rng.choice(("buttons", "modal", "typed"))
    return Persona(style, round(rng.uniform(0.6, 1.1), 2), rng.randint(15, 180))


def decide(persona: Persona, week: int, *, reminder: bool, seed: int) -> Answer | None:
    """Whether and how the person answers this week's check-in (or its reminder)."""
    if week in persona.silent_weeks:
        return None
    late = week in persona.late_weeks
    if reminder != late:
        return None
    rng = random.Random(f"{seed}:{persona}:{week}:{reminder}")
    after = timedelta(minutes=max(5, round(persona.delay_minutes * rng.uniform(0.5, 1.5))))
    if week in persona.away_weeks:
        return Answer("away", after)
    return Answer(_how(persona, week, rng), after)


def _how(persona: Persona, week: int, rng: random.Random) -> How:
    if week in persona.blocked_weeks:
        return "typed" if persona.style == "typed" else "modal"
    if persona.style == "typed":
        return "typed"
    if persona.style == "modal":
        return "no_change" if rng.random() < 0.15 else "modal"
    return "no_change" if week % 2 == 0 else "modal"

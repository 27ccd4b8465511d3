"""When things happen in the generated org: its periods, its window of updates, and shares."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from bot.domain.periods import Period, quarter_of

UPDATE_WINDOW = timedelta(days=182)  # two quarters
T = TypeVar("T")


@dataclass(frozen=True)
class Timeline:
    """`now`, the two quarters of updates before it, and the periods goals are set for."""

    now: datetime
    window_start: datetime
    year: Period  # the fiscal year of now
    current: Period  # the quarter of now
    previous: Period  # the quarter before

    @classmethod
    def at(cls, now: datetime) -> Timeline:
        """The timeline of an org looked at on `now` (fiscal years start in January)."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        now = now.astimezone(UTC)
        current = quarter_of(now.date())
        previous = Period(current.year - 1, 4) if current.quarter == 1 else None
        previous = previous or Period(current.year, (current.quarter or 1) - 1)
        return cls(now, now - UPDATE_WINDOW, current.year_period(), current, previous)

    def start(self, period: Period) -> datetime:
        """Midnight UTC of the period's first day."""
        return midnight(period.bounds()[0])

    def end(self, period: Period) -> datetime:
        """Midnight UTC after the period's last day."""
        return midnight(period.bounds()[1] + timedelta(days=1))

    @property
    def setup(self) -> datetime:
        """When the org (workspace, units, people) was set up: well before any goal."""
        return min(self.window_start, self.start(self.year)) - timedelta(days=45)


def midnight(day: date) -> datetime:
    """00:00 UTC of a day."""
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def split(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders), each share >= minimum."""
    if total < minimum * len(weights):
        raise ValueError(f"cannot split {total} into {len(weights)} shares of {minimum} or more")
    rest = total - minimum * len(weights)
    weight_sum = sum(weights)
    if weight_sum <= 0:
        raise ValueError("cannot split by weights that are all zero")
    exact = [rest * weight / weight_sum for weight in weights]
    shares = [int(value) for value in exact]
    order = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for index in order[: rest - sum(shares)]:
        shares[index] += 1
    return [share + minimum for share in shares]


def pick(rng: random.Random, choices: Sequence[tuple[T, float]]) -> T:
    """One of the choices, drawn with its weight."""
    values = [value for value, _ in choices]
    return rng.choices(values, weights=[weight for _, weight in choices])[0]

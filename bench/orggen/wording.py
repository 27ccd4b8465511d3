"""What a generated goal says and measures: title, description, metric, baseline, target, due."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from bench.orggen.vocabulary import (
    DESCRIPTIONS,
    DOWN_VERBS,
    METRICS,
    QUALITATIVE_TITLES,
    UP_VERBS,
)
from bot.domain.periods import Period
from storage.models import Direction

UNMEASURED_SHARE = 0.08  # goals without a metric (SMART coaching flags them)


@dataclass(frozen=True)
class Wording:
    """A goal's words and numbers, as stored; `digits` is how values are rounded."""

    title: str
    description: str
    metric_name: str | None
    metric_unit: str | None
    baseline: float | None
    target: float | None
    direction: Direction
    due_date: date | None
    digits: int = 0


def word(rng: random.Random, period: Period, unit_name: str) -> Wording:
    """The wording of one goal of `unit_name` for `period`."""
    description = rng.choice(DESCRIPTIONS) if rng.random() < 0.4 else ""
    due = _due_date(rng, period) if rng.random() < 0.95 else None
    if rng.random() < UNMEASURED_SHARE:
        title = f"{rng.choice(QUALITATIVE_TITLES)} ({unit_name})"
        return Wording(title, description, None, None, None, None, Direction.INCREASE, due)
    metric = rng.choice(METRICS)
    baseline = round(rng.uniform(metric.base_low, metric.base_high), metric.digits)
    move = round(rng.uniform(metric.move_low, metric.move_high), metric.digits)
    up = metric.direction is Direction.INCREASE
    target = round(baseline + move if up else max(0.0, baseline - move), metric.digits)
    verb = rng.choice(UP_VERBS if up else DOWN_VERBS)
    title = f"{verb} {metric.name} from {baseline:g} to {target:g} {metric.unit}"
    return Wording(
        title=title,
        description=description,
        metric_name=metric.name,
        metric_unit=metric.unit,
        baseline=baseline,
        target=target,
        direction=metric.direction,
        due_date=due,
        digits=metric.digits,
    )


def _due_date(rng: random.Random, period: Period) -> date:
    """The period's last day, or (three goals in ten) a day in its last month."""
    start, end = period.bounds()
    if rng.random() < 0.7:
        return end
    return max(start, end - timedelta(days=rng.randint(1, 30)))

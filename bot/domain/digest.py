"""What a weekly digest says, as plain values: built by ``bot.digest.content``, rendered by
``bot.blocks.digest``.

Goals are referred to by id; the renderer looks their titles, owners and units up in the
labels fetched for exactly the goals the digest shows.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from storage.models import Health


class Standing(enum.StrEnum):
    """Where a goal stands: stale overrides health; the worse of reported and computed health."""

    OFF_TRACK = "off_track"
    AT_RISK = "at_risk"
    ON_TRACK = "on_track"
    STALE = "stale"
    NO_DATA = "no_data"  # no update yet, and not measurable or not stale yet


class ExceptionKind(enum.StrEnum):
    """The exceptions a digest lists, in the order it lists them."""

    OFF_TRACK = "off_track"
    AT_RISK = "at_risk"
    STALE = "stale"
    CONFIDENCE = "confidence"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class GoalLine:
    """A goal as one line of a digest: its numbers and both healths (the renderer adds names)."""

    goal_id: int
    progress: float | None
    expected: float | None
    reported: Health | None
    computed: Health | None
    stale: bool
    has_update: bool


@dataclass(frozen=True)
class ExceptionItem:
    """One goal in an exception list, with what makes it one."""

    goal: GoalLine
    confidence: tuple[int, int] | None = None  # (before, now), when both are known


@dataclass(frozen=True)
class ExceptionGroup:
    """One kind of exception: the goals shown (most important first) and how many there are."""

    kind: ExceptionKind
    items: tuple[ExceptionItem, ...]
    total: int


@dataclass(frozen=True)
class Headline:
    """The first lines: % to objective, goals by standing, participation this cycle and last."""

    goals: int
    progress: float | None
    expected: float | None
    standings: Mapping[Standing, int]
    answered: int
    expected_answers: int
    answered_before: int
    expected_before: int


@dataclass(frozen=True)
class CsfStatus:
    """A CSF with the rolled-up progress of the goals serving it."""

    rank: int
    title: str
    period: str
    progress: float | None
    goals: int


@dataclass(frozen=True)
class UnitCsfs:
    """A unit's CSFs."""

    unit_name: str
    csfs: tuple[CsfStatus, ...]


@dataclass(frozen=True)
class CsfSection:
    """CSFs per unit; units with more than three named, and units with goals but none."""

    units: tuple[UnitCsfs, ...]
    total_units: int
    too_many: tuple[str, ...]
    without: tuple[str, ...]


@dataclass(frozen=True)
class Alignment:
    """How much of the scope serves a company goal, the gaps, and top goals nobody serves."""

    aligned: int
    alignable: int
    orphans: tuple[GoalLine, ...]
    orphan_total: int
    unsupported: tuple[GoalLine, ...]
    unsupported_total: int
    top_label: str  # "company goals", or "goals of <unit>"


@dataclass(frozen=True)
class Rhythm:
    """Who answered this cycle and who missed two cycles in a row (person ids)."""

    answered: tuple[int, ...]
    answered_total: int
    expected: int
    missed_twice: tuple[int, ...]
    missed_total: int
    cycle: str  # "week", "two weeks", "month"


@dataclass(frozen=True)
class Mover:
    """A goal whose progress moved this cycle."""

    goal: GoalLine
    before: float
    after: float

    @property
    def change(self) -> float:
        """The change in progress, as a share (0.12 = 12 points)."""
        return self.after - self.before


@dataclass(frozen=True)
class DigestContent:
    """Everything one digest says, exceptions first."""

    scope_name: str
    unit_id: int | None
    week_key: str
    periods: tuple[str, ...]
    at: datetime
    headline: Headline
    exceptions: tuple[ExceptionGroup, ...]
    csfs: CsfSection
    alignment: Alignment
    rhythm: Rhythm
    gains: tuple[Mover, ...]
    drops: tuple[Mover, ...]
    chart_goals: tuple[int, ...]

    def goal_ids(self) -> set[int]:
        """Every goal the digest names (their labels are fetched for rendering)."""
        lines = [item.goal for group in self.exceptions for item in group.items]
        lines += [*self.alignment.orphans, *self.alignment.unsupported]
        lines += [mover.goal for mover in (*self.gains, *self.drops)]
        return {line.goal_id for line in lines} | set(self.chart_goals)

    def person_ids(self) -> set[int]:
        """Every person the rhythm section names."""
        return {*self.rhythm.answered, *self.rhythm.missed_twice}

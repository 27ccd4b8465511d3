"""A digest scope's goals as columns, one numpy array per field: what the digest computes on.

A company digest measures tens of thousands of goals; with a Python object per goal and a
function call per goal and rule, that alone took half a second. The main query
(``digest_data.scope_goals``) returns one row of plain numbers per goal in :data:`WIRE` order,
and :meth:`GoalColumns.from_rows` makes them one float array in a single conversion, then a
view per column. :class:`ScopeGoal` is the same goal with named fields and real types (tests
write goals that way); :meth:`GoalColumns.of` encodes them into the same rows and takes them
through the very same path.

Missing numbers are NaN, missing ids -1, a due date its ``date.toordinal()`` (0: none), a
period its index in the periods asked for, and the yes/no facts, the metric's direction and
the latest update's health the bits of one ``flags`` integer (:data:`CREATED_BEFORE_WEEK` ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from storage.models import Direction, Health

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

HEALTHS: tuple[Health | None, ...] = (None, Health.ON_TRACK, Health.AT_RISK, Health.OFF_TRACK)
"""Health by code; a larger code is worse, so the worse of two healths is the larger code."""

CREATED_BEFORE_WEEK = 1  # the goal existed when this cycle began
CREATED_BEFORE_PREVIOUS = 2  # ... and when the last cycle began
HAS_UPDATE = 4  # it has at least one update
UPDATED_THIS_WEEK = 8  # its latest update is from this cycle
UPDATED_LAST_WEEK = 16  # its latest update before this cycle is from the last cycle
BLOCKER = 32  # its latest update reports a blocker
DECREASE = 64  # its metric should go down
HEALTH_SHIFT = 7  # bits 7-8: the latest update's health code (see HEALTHS)

WIRE = (
    "id",
    "number",
    "unit_id",
    "owner_id",
    "parent_id",
    "csf_id",
    "period",
    "baseline",
    "target",
    "due_day",
    "weight",
    "flags",
    "value",
    "confidence",
    "value_before",
    "confidence_before",
)
"""The columns of a row of the main query, in order; every one a number or NULL."""


class ScopeGoal(NamedTuple):
    """One goal of a digest's scope: its shape, its latest update and last cycle's news."""

    id: int
    number: int
    unit_id: int
    owner_id: int
    parent_id: int | None
    csf_id: int | None
    period: str
    baseline: float | None
    target: float | None
    direction: Direction
    due_date: date | None
    weight: float
    created_before_week: bool
    created_before_previous: bool
    has_update: bool
    updated_this_week: bool
    updated_last_week: bool
    value: float | None
    health: Health | None
    confidence: int | None
    blocker: bool
    value_before: float | None  # the value of the latest update before this cycle began
    confidence_before: int | None  # the newest confidence given before this cycle began


@dataclass(frozen=True, eq=False)
class GoalColumns:
    """The goals of a scope, one array per field, by number."""

    periods: tuple[str, ...]
    id: IntArray
    number: IntArray
    unit_id: IntArray
    owner_id: IntArray
    parent_id: IntArray  # -1: none
    csf_id: IntArray  # -1: none
    period: IntArray  # index into `periods`
    baseline: FloatArray
    target: FloatArray
    due_day: IntArray  # date.toordinal(); 0: none
    weight: FloatArray
    flags: IntArray
    health: IntArray  # the latest update's health: index into HEALTHS (from `flags`)
    value: FloatArray
    confidence: FloatArray
    value_before: FloatArray
    confidence_before: FloatArray

    def __len__(self) -> int:
        return len(self.id)

    def flag(self, bit: int) -> BoolArray:
        """Which goals have `bit` (e.g. ``UPDATED_THIS_WEEK``) set."""
        found: BoolArray = (self.flags & bit) != 0
        return found

    @classmethod
    def from_rows(
        cls, rows: Sequence[Sequence[float | None]], periods: Sequence[str]
    ) -> GoalColumns:
        """Columns from rows in :data:`WIRE` order (NULL as None), in any order; `periods`
        are the periods the rows' period codes index."""
        flat = np.array(list(chain.from_iterable(rows)), dtype=np.float64)  # None: NaN
        table = flat.reshape(len(rows), len(WIRE))
        table = table[np.argsort(table[:, WIRE.index("number")], kind="stable")]

        def floats(name: str) -> FloatArray:
            return table[:, WIRE.index(name)]

        def ints(name: str, missing: float = -1.0) -> IntArray:
            return np.nan_to_num(floats(name), nan=missing).astype(np.int64)

        flags = ints("flags")
        return cls(
            periods=tuple(periods),
            id=ints("id"),
            number=ints("number"),
            unit_id=ints("unit_id"),
            owner_id=ints("owner_id"),
            parent_id=ints("parent_id"),
            csf_id=ints("csf_id"),
            period=ints("period"),
            baseline=floats("baseline"),
            target=floats("target"),
            due_day=ints("due_day", missing=0.0),
            weight=floats("weight"),
            flags=flags,
            health=(flags >> HEALTH_SHIFT) & 3,
            value=floats("value"),
            confidence=floats("confidence"),
            value_before=floats("value_before"),
            confidence_before=floats("confidence_before"),
        )

    @classmethod
    def of(cls, goals: Sequence[ScopeGoal]) -> GoalColumns:
        """Columns of goals given as rows with named fields."""
        periods = tuple(dict.fromkeys(goal.period for goal in goals))
        return cls.from_rows([_wire(goal, periods) for goal in goals], periods)

    def goal(self, index: int) -> ScopeGoal:
        """The goal at `index` as a row with named fields."""
        flags, due = int(self.flags[index]), int(self.due_day[index])
        return ScopeGoal(
            id=int(self.id[index]),
            number=int(self.number[index]),
            unit_id=int(self.unit_id[index]),
            owner_id=int(self.owner_id[index]),
            parent_id=_id(self.parent_id[index]),
            csf_id=_id(self.csf_id[index]),
            period=self.periods[self.period[index]],
            baseline=number(self.baseline[index]),
            target=number(self.target[index]),
            direction=Direction.DECREASE if flags & DECREASE else Direction.INCREASE,
            due_date=date.fromordinal(due) if due else None,
            weight=float(self.weight[index]),
            created_before_week=bool(flags & CREATED_BEFORE_WEEK),
            created_before_previous=bool(flags & CREATED_BEFORE_PREVIOUS),
            has_update=bool(flags & HAS_UPDATE),
            updated_this_week=bool(flags & UPDATED_THIS_WEEK),
            updated_last_week=bool(flags & UPDATED_LAST_WEEK),
            value=number(self.value[index]),
            health=HEALTHS[(flags >> HEALTH_SHIFT) & 3],
            confidence=_id(self.confidence[index]),
            blocker=bool(flags & BLOCKER),
            value_before=number(self.value_before[index]),
            confidence_before=_id(self.confidence_before[index]),
        )


def number(value: np.floating[Any] | float) -> float | None:
    """A float of a column as Python has it (None for NaN)."""
    return None if np.isnan(value) else float(value)


def _id(value: np.integer[Any] | np.floating[Any]) -> int | None:
    return None if np.isnan(value) or value < 0 else int(value)


def _wire(goal: ScopeGoal, periods: Sequence[str]) -> tuple[float | None, ...]:
    facts = (
        goal.created_before_week,
        goal.created_before_previous,
        goal.has_update,
        goal.updated_this_week,
        goal.updated_last_week,
        goal.blocker,
        goal.direction == Direction.DECREASE,
    )
    bits = (
        CREATED_BEFORE_WEEK,
        CREATED_BEFORE_PREVIOUS,
        HAS_UPDATE,
        UPDATED_THIS_WEEK,
        UPDATED_LAST_WEEK,
        BLOCKER,
        DECREASE,
    )
    flags = sum(bit for bit, on in zip(bits, facts, strict=True) if on)
    flags |= HEALTHS.index(goal.health) << HEALTH_SHIFT
    due = goal.due_date.toordinal() if goal.due_date else None
    shape = (goal.id, goal.number, goal.unit_id, goal.owner_id, goal.parent_id, goal.csf_id)
    metric = (periods.index(goal.period), goal.baseline, goal.target, due, goal.weight)
    news = (goal.value, goal.confidence, goal.value_before, goal.confidence_before)
    return (*shape, *metric, flags, *news)

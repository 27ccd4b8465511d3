"""What the goal service takes and returns: drafts, edits, summaries and details."""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from bot.services.context import goal_label
from bot.services.progress import HealthCheck
from storage.models import (
    Csf,
    Direction,
    Goal,
    GoalStatus,
    GoalUpdate,
    Health,
    Person,
    Unit,
    Visibility,
)

OPEN_STATUSES = frozenset({GoalStatus.DRAFT, GoalStatus.ACTIVE})


class Keep(enum.Enum):
    """Marks a field an edit leaves as it is (None means "clear it")."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class GoalDraft:
    """A new goal as a person (or the plan importer) describes it."""

    title: str
    owner_slack_id: str
    unit_key: str | None = None  # default: the owner's unit
    period: str | None = None  # default: the current fiscal quarter
    parent_number: int | None = None
    csf_id: int | None = None
    description: str = ""
    metric_name: str | None = None
    metric_unit: str | None = None
    baseline: float | None = None
    target: float | None = None
    direction: Direction = Direction.INCREASE
    due_date: date | None = None
    weight: float = 1.0
    key: str | None = None
    status: GoalStatus = GoalStatus.ACTIVE
    visibility: Visibility = Visibility.PUBLIC


@dataclass(frozen=True)
class GoalEdit:
    """Changes to a goal's wording and metric; fields left at KEEP do not change."""

    title: str | Keep = KEEP
    description: str | Keep = KEEP
    csf_id: int | Keep | None = KEEP
    metric_name: str | Keep | None = KEEP
    metric_unit: str | Keep | None = KEEP
    baseline: float | Keep | None = KEEP
    target: float | Keep | None = KEEP
    direction: Direction | Keep = KEEP
    due_date: date | Keep | None = KEEP
    weight: float | Keep = KEEP
    visibility: Visibility | Keep = KEEP

    def changes(self) -> dict[str, Any]:
        """The fields this edit sets, by name."""
        values = {field.name: getattr(self, field.name) for field in fields(self)}
        return {name: value for name, value in values.items() if value is not KEEP}


@dataclass(frozen=True)
class CreatedGoal:
    """A new goal and the SMART coaching to show its author."""

    goal: Goal
    coaching: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``G-<number>``."""
        return goal_label(self.goal.number)


@dataclass(frozen=True)
class EditedGoal:
    """A changed goal, the fields that changed, and SMART coaching."""

    goal: Goal
    changed: tuple[str, ...]
    coaching: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClosedGoal:
    """A closed goal and, when carried over, its copy in the next period."""

    goal: Goal
    carried_to: Goal | None = None


@dataclass(frozen=True)
class RecordedUpdate:
    """A progress update, the goal's progress after it, and whether it was a repeat."""

    update: GoalUpdate
    progress: float | None
    duplicate: bool = False
    answered_checkin: int | None = None
    """The owner's open check-in (delivery id) that this update answered, if it did."""


@dataclass(frozen=True)
class GoalSummary:
    """One line of a goal list: who, where, how far, how healthy, how fresh."""

    goal_id: int
    number: int
    title: str
    status: GoalStatus
    period: str
    parent_id: int | None
    unit_id: int
    unit_name: str
    owner_id: int
    owner_name: str
    owner_slack_id: str
    metric_unit: str | None
    weight: float
    progress: float | None
    latest_value: float | None
    reported_health: Health | None
    confidence: int | None
    blocker: bool
    computed_health: Health | None
    stale: bool
    last_update_at: datetime | None
    rolled_up: float | None = None

    @property
    def label(self) -> str:
        """``G-<number>``."""
        return goal_label(self.number)


@dataclass(frozen=True)
class GoalDetails:
    """Everything ``/goal show`` needs about one goal."""

    goal: Goal
    owner: Person
    unit: Unit
    csf: Csf | None
    parents: tuple[Goal, ...]  # the parent first, up to a top goal
    children: tuple[GoalSummary, ...]
    updates: tuple[GoalUpdate, ...]  # newest first
    progress: float | None
    expected: float
    health: HealthCheck
    rolled_up: float | None  # over the direct children, see bot.services.progress

    @property
    def label(self) -> str:
        """``G-<number>``."""
        return goal_label(self.goal.number)

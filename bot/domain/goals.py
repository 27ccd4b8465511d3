"""Goals as the layers above see them: drafts, edits, results, summaries and details.

The services return these; ``bot.blocks`` renders them. ``GoalSummary`` is a repository row
(``storage.repositories.goals.GoalRow``) with its progress, health and latest update.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

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
from storage.repositories.goals import GoalRow

GOAL_PREFIX = "G-"
OPEN_STATUSES = frozenset({GoalStatus.DRAFT, GoalStatus.ACTIVE})


def goal_label(number: int) -> str:
    """How people see a goal's number: ``G-12``."""
    return f"{GOAL_PREFIX}{number}"


@dataclass(frozen=True)
class HealthCheck:
    """Health computed from the numbers, and whether the goal has gone stale."""

    health: Health | None
    stale: bool

    @property
    def label(self) -> str:
        """What to show: ``stale`` overrides the health; ``unknown`` when not measurable."""
        if self.stale:
            return "stale"
        return self.health.value if self.health is not None else "unknown"


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
class GoalSummary(GoalRow):
    """One line of a goal list: the goal's row (what, who, where: ``GoalRow``'s columns) and
    how far, how healthy and how fresh it is."""

    progress: float | None
    latest_value: float | None
    reported_health: Health | None
    confidence: int | None
    blocker: bool
    computed_health: Health | None
    stale: bool
    last_update_at: datetime | None
    rolled_up: float | None = None

    @classmethod
    def of(
        cls,
        row: GoalRow,
        *,
        progress: float | None,
        health: HealthCheck,
        latest: GoalUpdate | None,
    ) -> GoalSummary:
        """A goal row with its progress, computed health and latest update (None: none yet)."""
        return cls(
            **{column.name: getattr(row, column.name) for column in fields(GoalRow)},
            progress=progress,
            latest_value=latest.value if latest is not None else None,
            reported_health=latest.health if latest is not None else None,
            confidence=latest.confidence if latest is not None else None,
            blocker=latest.blocker if latest is not None else False,
            computed_health=health.health,
            stale=health.stale,
            last_update_at=latest.created_at if latest is not None else None,
        )

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

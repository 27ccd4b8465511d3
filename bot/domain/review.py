"""A quarterly review as plain values: the diagnosis, a unit's scorecard, and what the review's
Slack surfaces show (thread, rating modal, close-out DM, the starter's reply).

The rules and the measuring are ``bot.reviews``' (``policy``, ``measure``); ``bot.blocks`` renders
these. The scorecard is a snapshot taken when the review opens: the thread shows it, the golden
tests pin it, ``goalbot export`` writes it. ``to_json``/``from_json`` round-trip exactly.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.domain.periods import Period
from storage.models import DeliveryStatus, GoalStatus


class DiagnosisKind(enum.StrEnum):
    """What the review concludes about a unit's quarter."""

    ON_COURSE = "on_course"
    STRATEGY = "strategy"
    EXECUTION = "execution"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class Diagnosis:
    """The conclusion and the sentence that explains it."""

    kind: DiagnosisKind
    text: str


SCORECARD_VERSION = 1


@dataclass(frozen=True)
class GoalCounts:
    """How the unit's goals stand: closed as achieved, missed, carried over or dropped, or open."""

    achieved: int = 0
    missed: int = 0
    open: int = 0
    carried_over: int = 0
    dropped: int = 0

    @property
    def total(self) -> int:
        """Every goal counted."""
        return self.achieved + self.missed + self.open + self.carried_over + self.dropped


@dataclass(frozen=True)
class Rhythm:
    """Check-ins over the quarter to the people whose goals roll up into the unit's."""

    answered: int = 0
    missed: int = 0
    people: int = 0

    @property
    def asked(self) -> int:
        """Check-ins whose outcome is known: answered or missed."""
        return self.answered + self.missed

    @property
    def participation(self) -> float | None:
        """Answered / asked; None when nobody was asked."""
        return self.answered / self.asked if self.asked else None


@dataclass(frozen=True)
class CsfOutcome:
    """One CSF of the unit: how the goals serving it ended up."""

    rank: int
    title: str
    outcome: str  # achieved | on course | behind | not measurable | no goals
    goals: int = 0
    achieved: int = 0
    missed: int = 0
    progress: float | None = None
    expected: float | None = None


@dataclass(frozen=True)
class GoalLine:
    """One goal of the unit as the scorecard lists it."""

    number: int
    title: str
    owner_slack_id: str
    status: str
    progress: float | None
    health: str  # on_track | at_risk | off_track | stale | none


@dataclass(frozen=True)
class Scorecard:
    """Everything a unit's review thread opens with."""

    unit_key: str
    unit_name: str
    period: str
    at: str  # ISO-8601 UTC instant the numbers were taken at
    progress: float | None  # % to objective, 0..1
    expected: float | None  # where progress should be by ``at``
    counts: GoalCounts
    rhythm: Rhythm
    diagnosis: Diagnosis
    csfs: tuple[CsfOutcome, ...] = ()
    goals: tuple[GoalLine, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict (floats rounded to 4 places) with a format version."""
        data = asdict(self)
        data["diagnosis"] = {"kind": self.diagnosis.kind.value, "text": self.diagnosis.text}
        return {"version": SCORECARD_VERSION, **_rounded(data)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scorecard:
        """The scorecard ``to_json`` wrote."""
        diagnosis = data["diagnosis"]
        return cls(
            unit_key=data["unit_key"],
            unit_name=data["unit_name"],
            period=data["period"],
            at=data["at"],
            progress=data["progress"],
            expected=data["expected"],
            counts=GoalCounts(**data["counts"]),
            rhythm=Rhythm(**data["rhythm"]),
            diagnosis=Diagnosis(DiagnosisKind(diagnosis["kind"]), diagnosis["text"]),
            csfs=tuple(CsfOutcome(**csf) for csf in data["csfs"]),
            goals=tuple(GoalLine(**goal) for goal in data["goals"]),
        )


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    return value


@dataclass(frozen=True)
class RatingEntry:
    """One person's ratings (1 to 10) and answers, as typed in the rating modal."""

    strategy: int
    execution: int
    worked: str = ""
    change: str = ""


@dataclass(frozen=True)
class RatingSummary:
    """The ratings and thread replies a review has collected so far."""

    ratings: int = 0
    strategy: float | None = None  # mean of the strategy ratings
    execution: float | None = None  # mean of the execution ratings
    replies: int = 0


@dataclass(frozen=True)
class CloseoutGoal:
    """A goal in an owner's close-out DM: open (with buttons) or how it ended."""

    number: int
    title: str
    status: GoalStatus
    progress: float | None = None
    carried_to: int | None = None  # the number of its copy in the next period
    next_period: str = ""


@dataclass(frozen=True)
class CloseoutView:
    """An owner's close-out DM for one review: their goals of the reviewed unit."""

    review_id: int
    unit_name: str
    period: str
    owner_name: str
    channel_id: str | None
    goals: tuple[CloseoutGoal, ...]

    @property
    def open_goals(self) -> tuple[CloseoutGoal, ...]:
        """The goals still waiting for an outcome."""
        return tuple(g for g in self.goals if g.status in {GoalStatus.ACTIVE, GoalStatus.DRAFT})


@dataclass(frozen=True)
class ReviewState:
    """Where one unit's review stands, for the person who started it."""

    review_id: int
    unit_key: str
    unit_name: str
    channel_id: str | None
    status: DeliveryStatus
    error: str | None


@dataclass(frozen=True)
class RatingForm:
    """What the rating modal shows: the review and the person's earlier answers."""

    review_id: int
    unit_name: str
    period: str
    previous: RatingEntry | None


@dataclass(frozen=True)
class ThreadMessage:
    """A review thread's parent message as it should read now (after a new rating)."""

    channel_id: str
    ts: str
    text: str
    blocks: list[dict[str, object]]


@dataclass(frozen=True)
class OpenedReviews:
    """What a request to open reviews did: units with a new review, re-armed, without goals."""

    quarter: Period
    units: tuple[int, ...] = ()  # the units in scope that have goals to review
    created: tuple[int, ...] = ()
    rearmed: int = 0
    without_goals: tuple[str, ...] = ()  # names of units asked for that have nothing to review

"""What the review's Slack surfaces show, as plain values handed to the Block Kit builders."""

from __future__ import annotations

from dataclasses import dataclass

from storage.models import DeliveryStatus, GoalStatus


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

"""Ratings and replies of a review, read back: one person's rating, and the review's summary."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean

from bot.domain.review import RatingEntry, RatingSummary
from storage.models import ReviewResponse
from storage.repositories.reviews import RATING_PREFIX, REPLY_PREFIX


def rating_of(response: ReviewResponse | None) -> RatingEntry | None:
    """A stored rating as the modal prefills it (None when there is none)."""
    if response is None or response.strategy_quality is None:
        return None
    return RatingEntry(
        strategy=response.strategy_quality,
        execution=response.execution_quality or response.strategy_quality,
        worked=response.worked,
        change=response.change,
    )


def summarize(responses: Sequence[ReviewResponse]) -> RatingSummary:
    """How many ratings and replies a review has, and the mean of each rating."""
    ratings = [r for r in responses if r.key.startswith(RATING_PREFIX)]
    strategy = [r.strategy_quality for r in ratings if r.strategy_quality is not None]
    execution = [r.execution_quality for r in ratings if r.execution_quality is not None]
    return RatingSummary(
        ratings=len(ratings),
        strategy=round(fmean(strategy), 2) if strategy else None,
        execution=round(fmean(execution), 2) if execution else None,
        replies=sum(1 for r in responses if r.key.startswith(REPLY_PREFIX)),
    )

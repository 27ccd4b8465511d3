"""Reviews in ``goalbot export``: one readable record per review, beside the raw rows.

Pure, over the exported rows: the plan's export writes everything of a workspace, its reviews
included, without depending on ``bot.reviews``.

The JSON export already holds every ``reviews`` and ``review_responses`` row; this adds
``review_summaries``: the unit, the quarter, where the thread is, the scorecard's headline
numbers and diagnosis, and the ratings (count and means) and replies collected.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean
from typing import Any

from storage.repositories.reviews import RATING_PREFIX, REPLY_PREFIX

Row = dict[str, Any]


def review_summaries(
    reviews: Sequence[Row], responses: Sequence[Row], units: Sequence[Row]
) -> list[Row]:
    """One summary per review, in review id order."""
    keys = {unit["id"]: unit["key"] for unit in units}
    return [
        _summary(review, [r for r in responses if r["review_id"] == review["id"]], keys)
        for review in sorted(reviews, key=lambda row: int(row["id"]))
    ]


def _summary(review: Row, responses: list[Row], keys: dict[Any, Any]) -> Row:
    card = review.get("scorecard") or {}
    ratings = [r for r in responses if str(r["key"]).startswith(RATING_PREFIX)]
    diagnosis = card.get("diagnosis") or {}
    return {
        "review_id": review["id"],
        "unit": keys.get(review["unit_id"]),
        "period": review["period"],
        "status": _value(review.get("status")),
        "channel_id": review.get("channel_id"),
        "thread_ts": review.get("thread_ts"),
        "progress": card.get("progress"),
        "expected": card.get("expected"),
        "goals": card.get("counts"),
        "rhythm": card.get("rhythm"),
        "diagnosis": diagnosis.get("kind"),
        "diagnosis_text": review.get("diagnosis") or diagnosis.get("text") or "",
        "ratings": len(ratings),
        "strategy_quality": _mean(r["strategy_quality"] for r in ratings),
        "execution_quality": _mean(r["execution_quality"] for r in ratings),
        "replies": sum(1 for r in responses if str(r["key"]).startswith(REPLY_PREFIX)),
    }


def _mean(values: Any) -> float | None:
    found = [value for value in values if value is not None]
    return round(fmean(found), 2) if found else None


def _value(value: Any) -> Any:
    return getattr(value, "value", value)

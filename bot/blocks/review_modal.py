"""The rating modal of a review, and the parser of its submission.

Both ratings are typed (1 to 10) and checked here, so a wrong value is answered with a field
error on that input; what worked and what to change are optional free text.
"""

from __future__ import annotations

from typing import Any

from bot.blocks import ids
from bot.blocks.inputs import Values, text_input, text_value
from bot.blocks.kit import context, input_block, plain
from bot.blocks.limits import MODAL_TITLE, truncate
from bot.blocks.parsing import shown
from bot.domain.review import RatingEntry

ANSWER_MAX = 3000
RATING_MAX = 2
RATINGS = (
    (ids.REVIEW_STRATEGY, "Quality of strategy (1-10)", "Were these the right goals and bets?"),
    (ids.REVIEW_EXECUTION, "Quality of execution (1-10)", "Did we do what we said we would?"),
)


def rating_modal(
    *, review_id: int, unit_name: str, period: str, previous: RatingEntry | None = None
) -> dict[str, Any]:
    """The modal to rate one review, prefilled with the person's earlier answers."""
    strategy = str(previous.strategy) if previous else None
    execution = str(previous.execution) if previous else None
    initial = {ids.REVIEW_STRATEGY: strategy, ids.REVIEW_EXECUTION: execution}
    intro = f"*{unit_name}*, {period}. Answer again any time: your latest answers count."
    blocks = [context(intro)]
    for block_id, label, hint in RATINGS:
        element = text_input(initial=initial[block_id], max_length=RATING_MAX, placeholder="1-10")
        blocks.append(input_block(block_id, label, element, hint=hint))
    for block_id, label, value in (
        (ids.REVIEW_WORKED, "What worked", previous.worked if previous else ""),
        (ids.REVIEW_CHANGE, "What to change", previous.change if previous else ""),
    ):
        element = text_input(initial=value or None, max_length=ANSWER_MAX, multiline=True)
        blocks.append(input_block(block_id, label, element, optional=True))
    return {
        "type": "modal",
        "callback_id": ids.REVIEW_RATING_VIEW,
        "title": plain(truncate(f"Review {period}", MODAL_TITLE)),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": str(review_id),
        "blocks": blocks,
    }


def parse_rating(values: Values) -> tuple[RatingEntry | None, dict[str, str]]:
    """The answers, or None and an error per input that is wrong."""
    errors: dict[str, str] = {}
    strategy = _rating(values, ids.REVIEW_STRATEGY, "strategy", errors)
    execution = _rating(values, ids.REVIEW_EXECUTION, "execution", errors)
    if errors or strategy is None or execution is None:
        return None, errors
    return RatingEntry(
        strategy=strategy,
        execution=execution,
        worked=text_value(values, ids.REVIEW_WORKED),
        change=text_value(values, ids.REVIEW_CHANGE),
    ), errors


def _rating(values: Values, block_id: str, what: str, errors: dict[str, str]) -> int | None:
    raw = text_value(values, block_id)
    if not raw:
        errors[block_id] = f"Rate the quality of {what} from 1 to 10."
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 10:
        errors[block_id] = f"{shown(raw)} is not a rating: use a whole number from 1 to 10."
        return None
    return int(raw)

"""Every ``action_id``, ``callback_id`` and ``block_id`` of the quarterly review's surfaces.

Kept apart from ``bot.ids`` so the review's listeners, builders and guard tests
(``tests/handlers/test_review_guards.py``) can be checked as one set. Close-out buttons carry
``<review id>:<goal number>`` as their value; each goal's buttons sit in their own block
(``review_closeout:<number>``), so the three action ids are unique within a block.
"""

from __future__ import annotations

# Buttons (action_id).
REVIEW_RATE = "review_rate"
CLOSEOUT_ACHIEVED = "review_closeout_achieved"
CLOSEOUT_MISSED = "review_closeout_missed"
CLOSEOUT_CARRY = "review_closeout_carry"

# Views (callback_id).
REVIEW_RATING_VIEW = "review_rating"

ALL_REVIEW_ACTION_IDS: tuple[str, ...] = (
    REVIEW_RATE,
    CLOSEOUT_ACHIEVED,
    CLOSEOUT_MISSED,
    CLOSEOUT_CARRY,
)
ALL_REVIEW_VIEW_CALLBACK_IDS: tuple[str, ...] = (REVIEW_RATING_VIEW,)

# Blocks of the thread's scorecard and of the close-out DM.
REVIEW_ACTIONS = "review_actions"
CLOSEOUT_GOAL_PREFIX = "review_closeout"

# Inputs of the rating modal (block_id).
REVIEW_STRATEGY = "review_strategy"
REVIEW_EXECUTION = "review_execution"
REVIEW_WORKED = "review_worked"
REVIEW_CHANGE = "review_change"


def closeout_block_id(number: int) -> str:
    """The block holding one goal's close-out buttons: ``review_closeout:12``."""
    return f"{CLOSEOUT_GOAL_PREFIX}:{number}"


def closeout_value(review_id: int, number: int) -> str:
    """A close-out button's value: ``<review id>:<goal number>``."""
    return f"{review_id}:{number}"


def parse_closeout_value(value: str | None) -> tuple[int, int] | None:
    """``"7:12"`` → (7, 12); None for anything else."""
    review, sep, number = (value or "").partition(":")
    if not sep or not review.isdigit() or not number.isdigit():
        return None
    return int(review), int(number)


def parse_review_id(value: str | None) -> int | None:
    """The review id in the rate button's value or the modal's private_metadata."""
    cleaned = (value or "").strip()
    return int(cleaned) if cleaned.isdigit() else None

"""Every ``action_id``, ``callback_id`` and ``block_id`` goalbot uses, shared by builders,
parsers and handler registrations.

Interactive elements that Slack dispatches (buttons) carry an id from ``ALL_ACTION_IDS``;
when one block holds several buttons of one kind, each gets a suffix (``typed_pick_goal:12``)
because Slack wants action ids unique within a block: ``base_action_id`` strips it and
``PICK_GOAL_PATTERN`` matches them all. Elements inside input blocks do not dispatch actions;
they all use ``INPUT`` and are read back by their block id.
"""

from __future__ import annotations

import re

# The slash command.
GOAL_COMMAND = "/goal"

# Views (callback_id).
NEW_GOAL_VIEW = "goal_new"
SETTINGS_VIEW = "goal_settings"
CHECKIN_UPDATE_VIEW = "checkin_update"

# Buttons (action_id).
OPEN_CHECKIN = "checkin_open"
CHECKIN_NO_CHANGE = "checkin_no_change"
CHECKIN_UPDATE = "checkin_update_open"
CHECKIN_AWAY = "checkin_away"
CHECKIN_UNDO = "checkin_undo"
HOME_NEW_GOAL = "home_new_goal"
PICK_GOAL = "typed_pick_goal"

ALL_ACTION_IDS: tuple[str, ...] = (
    OPEN_CHECKIN,
    CHECKIN_NO_CHANGE,
    CHECKIN_UPDATE,
    CHECKIN_AWAY,
    CHECKIN_UNDO,
    HOME_NEW_GOAL,
    PICK_GOAL,
)
ALL_VIEW_CALLBACK_IDS: tuple[str, ...] = (NEW_GOAL_VIEW, SETTINGS_VIEW, CHECKIN_UPDATE_VIEW)

ACTION_SUFFIX_SEPARATOR = ":"
PICK_GOAL_PATTERN = re.compile(rf"^{PICK_GOAL}(?::\d+)?$")

# The action_id of every element inside an input block (one element per block).
INPUT = "input"

# Blocks of messages and the Home tab.
CHECKIN_ACTIONS = "checkin_actions"
CHECKIN_UNDO_ACTIONS = "checkin_undo_actions"
HOME_ACTIONS = "home_actions"
PICK_GOAL_ACTIONS = "pick_goal_actions"  # a numeric suffix when there are several

# Inputs of the new-goal modal (block_id).
NEW_GOAL_TITLE = "new_goal_title"
NEW_GOAL_OWNER = "new_goal_owner"
NEW_GOAL_UNIT = "new_goal_unit"
NEW_GOAL_PERIOD = "new_goal_period"
NEW_GOAL_PARENT = "new_goal_parent"
NEW_GOAL_CSF = "new_goal_csf"
NEW_GOAL_METRIC_NAME = "new_goal_metric_name"
NEW_GOAL_BASELINE = "new_goal_baseline"
NEW_GOAL_TARGET = "new_goal_target"
NEW_GOAL_METRIC_UNIT = "new_goal_metric_unit"
NEW_GOAL_DIRECTION = "new_goal_direction"
NEW_GOAL_DUE_DATE = "new_goal_due_date"
NEW_GOAL_DESCRIPTION = "new_goal_description"

# Inputs of the settings modal (block_id).
SETTINGS_TIMEZONE = "settings_timezone"
SETTINGS_FY_START = "settings_fy_start"
SETTINGS_CADENCE = "settings_cadence"
SETTINGS_CHECKIN_WEEKDAY = "settings_checkin_weekday"
SETTINGS_CHECKIN_TIME = "settings_checkin_time"
SETTINGS_DIGEST_WEEKDAY = "settings_digest_weekday"
SETTINGS_DIGEST_TIME = "settings_digest_time"
SETTINGS_HOLIDAYS = "settings_holidays"
SETTINGS_ESCALATION = "settings_escalation"

# Inputs of the check-in update modal: ``f"{field}:{goal number}"``.
CHECKIN_VALUE = "value"
CHECKIN_HEALTH = "health"
CHECKIN_CONFIDENCE = "confidence"
CHECKIN_NOTE = "note"
CHECKIN_BLOCKER = "blocker"
CHECKIN_FIELDS: tuple[str, ...] = (
    CHECKIN_VALUE,
    CHECKIN_HEALTH,
    CHECKIN_CONFIDENCE,
    CHECKIN_NOTE,
    CHECKIN_BLOCKER,
)
_GOAL_BLOCK = re.compile(r"^([a-z_]+):(\d{1,9})$")


def goal_block_id(field: str, number: int) -> str:
    """The block id of one goal's input in the check-in modal: ``value:12``."""
    return f"{field}:{number}"


def parse_goal_block_id(block_id: str) -> tuple[str, int] | None:
    """``value:12`` → ("value", 12); None for any other block id."""
    match = _GOAL_BLOCK.match(block_id)
    if match is None or match[1] not in CHECKIN_FIELDS:
        return None
    return match[1], int(match[2])


def suffixed(action_id: str, suffix: str | int) -> str:
    """An action id made unique within its block: ``typed_pick_goal:12``."""
    return f"{action_id}{ACTION_SUFFIX_SEPARATOR}{suffix}"


def base_action_id(action_id: str) -> str:
    """The listener's action id for an emitted one (drops a ``:suffix``)."""
    return action_id.split(ACTION_SUFFIX_SEPARATOR, 1)[0]


# The quarterly review: its thread, the rating modal and the close-out DM. Close-out buttons
# carry ``<review id>:<goal number>`` as their value; each goal's buttons sit in their own block
# (``review_closeout:<number>``), so the three action ids are unique within a block.

# Review buttons (action_id).
REVIEW_RATE = "review_rate"
CLOSEOUT_ACHIEVED = "review_closeout_achieved"
CLOSEOUT_MISSED = "review_closeout_missed"
CLOSEOUT_CARRY = "review_closeout_carry"

# Review views (callback_id).
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

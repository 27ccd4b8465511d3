"""The new-goal modal, the parser of its submission, and service errors mapped to its fields."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.blocks import ids
from bot.blocks.inputs import (
    Values,
    datepicker,
    picked,
    radio_buttons,
    selected_value,
    static_select,
    text_input,
    text_value,
    users_select,
)
from bot.blocks.kit import Block, context, input_block, plain
from bot.blocks.limits import PRIVATE_METADATA, SELECT_OPTIONS
from bot.blocks.parsing import goal_number, number, parsed, shown
from bot.domain.goals import GoalDraft
from bot.domain.periods import parse_period
from storage.models import Direction

TITLE_MAX = 200
DESCRIPTION_MAX = 3000
METRIC_NAME_MAX = 200
METRIC_UNIT_MAX = 32
UNIT_KEY_MAX = 64
SHORT_MAX = 30
COACHING = "💡 How will we know? Add a metric with baseline, target and a due date."
DIRECTIONS = ((Direction.INCREASE.value, "Increase ↑"), (Direction.DECREASE.value, "Decrease ↓"))
_FIELDS = {
    "title": ids.NEW_GOAL_TITLE,
    "owner": ids.NEW_GOAL_OWNER,
    "unit": ids.NEW_GOAL_UNIT,
    "period": ids.NEW_GOAL_PERIOD,
    "parent": ids.NEW_GOAL_PARENT,
    "csf": ids.NEW_GOAL_CSF,
    "metric_name": ids.NEW_GOAL_METRIC_NAME,
    "baseline": ids.NEW_GOAL_BASELINE,
    "target": ids.NEW_GOAL_TARGET,
    "metric_unit": ids.NEW_GOAL_METRIC_UNIT,
    "direction": ids.NEW_GOAL_DIRECTION,
    "due_date": ids.NEW_GOAL_DUE_DATE,
    "description": ids.NEW_GOAL_DESCRIPTION,
}


@dataclass(frozen=True)
class NewGoalInput:
    """What the new-goal form says, checked for shape (the service checks the rest)."""

    title: str
    owner_slack_id: str
    unit_key: str | None
    period: str | None
    parent_number: int | None
    csf_id: int | None
    description: str
    metric_name: str | None
    metric_unit: str | None
    baseline: float | None
    target: float | None
    direction: Direction
    due_date: date | None

    def to_draft(self) -> GoalDraft:
        """The service's draft of this goal."""
        return GoalDraft(
            title=self.title,
            owner_slack_id=self.owner_slack_id,
            unit_key=self.unit_key,
            period=self.period,
            parent_number=self.parent_number,
            csf_id=self.csf_id,
            description=self.description,
            metric_name=self.metric_name,
            metric_unit=self.metric_unit,
            baseline=self.baseline,
            target=self.target,
            direction=self.direction,
            due_date=self.due_date,
        )


def new_goal_modal(
    *,
    units: Sequence[tuple[str, str]],
    default_unit: str | None,
    period: str,
    owner_slack_id: str,
    title: str = "",
    csfs: Sequence[tuple[int, str]] = (),
    private_metadata: str = "",
) -> dict[str, Any]:
    """The form for a new goal: what, who, where, when, what it serves, and how we will know."""
    if len(private_metadata) > PRIVATE_METADATA:
        raise ValueError(f"private_metadata has {len(private_metadata)} characters (> 3000)")
    blocks = [
        *_what_blocks(title, owner_slack_id, units, default_unit, period),
        *_alignment_blocks(csfs),
        *_metric_blocks(),
    ]
    return {
        "type": "modal",
        "callback_id": ids.NEW_GOAL_VIEW,
        "title": plain("New goal"),
        "submit": plain("Create"),
        "close": plain("Cancel"),
        "private_metadata": private_metadata,
        "blocks": blocks,
    }


def _what_blocks(
    title: str,
    owner_slack_id: str,
    units: Sequence[tuple[str, str]],
    default_unit: str | None,
    period: str,
) -> list[Block]:
    goal = text_input(initial=title, max_length=TITLE_MAX, placeholder="Win 20 new customers")
    period_input = text_input(initial=period, max_length=SHORT_MAX)
    return [
        input_block(ids.NEW_GOAL_TITLE, "Goal", goal, hint="What will be achieved?"),
        input_block(ids.NEW_GOAL_OWNER, "Owner", users_select(initial_user=owner_slack_id)),
        _unit_block(units, default_unit),
        input_block(ids.NEW_GOAL_PERIOD, "Period", period_input, hint="2027-Q1 or FY2027"),
    ]


def _unit_block(units: Sequence[tuple[str, str]], default_unit: str | None) -> Block:
    hint = "Leave empty for the owner's unit."
    if units and len(units) <= SELECT_OPTIONS:
        element = static_select(units, initial=default_unit, placeholder="Choose a unit")
    else:
        element = text_input(initial=default_unit, max_length=UNIT_KEY_MAX, placeholder="sales")
        hint = "The unit's key, like sales. " + hint
    return input_block(ids.NEW_GOAL_UNIT, "Unit", element, optional=True, hint=hint)


def _alignment_blocks(csfs: Sequence[tuple[int, str]]) -> list[Block]:
    parent = text_input(max_length=SHORT_MAX, placeholder="G-3")
    hint = "The goal above this one that it serves."
    blocks = [input_block(ids.NEW_GOAL_PARENT, "Aligns to", parent, optional=True, hint=hint)]
    if csfs:
        choices = [(str(csf_id), label) for csf_id, label in csfs]
        element = static_select(choices, placeholder="Choose a CSF")
        blocks.append(
            input_block(ids.NEW_GOAL_CSF, "Critical success factor", element, optional=True)
        )
    return blocks


def _metric_blocks() -> list[Block]:
    direction = radio_buttons(DIRECTIONS, initial=Direction.INCREASE.value)
    inputs = [
        (ids.NEW_GOAL_METRIC_NAME, "Metric", _text(METRIC_NAME_MAX, "New customers")),
        (ids.NEW_GOAL_BASELINE, "Baseline (where you start)", _text(SHORT_MAX, "0")),
        (ids.NEW_GOAL_TARGET, "Target", _text(SHORT_MAX, "20")),
        (ids.NEW_GOAL_METRIC_UNIT, "Unit of measure", _text(METRIC_UNIT_MAX, "customers, %, k€")),
        (ids.NEW_GOAL_DIRECTION, "Should it go up or down?", direction),
        (ids.NEW_GOAL_DUE_DATE, "Due date", datepicker()),
        (
            ids.NEW_GOAL_DESCRIPTION,
            "Description",
            text_input(max_length=DESCRIPTION_MAX, multiline=True),
        ),
    ]
    fields = [
        input_block(block_id, label, element, optional=True) for block_id, label, element in inputs
    ]
    return [context(COACHING), *fields]


def _text(max_length: int, placeholder: str) -> Block:
    return text_input(max_length=max_length, placeholder=placeholder)


def parse_new_goal(values: Values) -> tuple[NewGoalInput | None, dict[str, str]]:
    """A submitted new-goal form as input for the service, or errors by block id."""
    errors: dict[str, str] = {}
    title = text_value(values, ids.NEW_GOAL_TITLE)
    owner = picked(values, ids.NEW_GOAL_OWNER, "selected_user")
    if not title:
        errors[ids.NEW_GOAL_TITLE] = "Give the goal a title: what will be achieved?"
    if not owner:
        errors[ids.NEW_GOAL_OWNER] = "Choose who owns this goal."
    period = parsed(values, ids.NEW_GOAL_PERIOD, lambda raw: str(parse_period(raw)), errors)
    parent = parsed(values, ids.NEW_GOAL_PARENT, goal_number, errors)
    baseline = parsed(values, ids.NEW_GOAL_BASELINE, number, errors)
    target = parsed(values, ids.NEW_GOAL_TARGET, number, errors)
    due_date = _due_date(values, errors)
    if errors or not owner:
        return None, errors
    return NewGoalInput(
        title=title,
        owner_slack_id=owner,
        unit_key=_unit_key(values),
        period=period,
        parent_number=parent,
        csf_id=_csf_id(values),
        description=text_value(values, ids.NEW_GOAL_DESCRIPTION),
        metric_name=text_value(values, ids.NEW_GOAL_METRIC_NAME) or None,
        metric_unit=text_value(values, ids.NEW_GOAL_METRIC_UNIT) or None,
        baseline=baseline,
        target=target,
        direction=_direction(values),
        due_date=due_date,
    ), {}


def field_for(error_field: str | None) -> str:
    """The block id to show a service's InvalidInput on (the title when it names no field)."""
    return _FIELDS.get(error_field or "", ids.NEW_GOAL_TITLE)


def _due_date(values: Values, errors: dict[str, str]) -> date | None:
    raw = picked(values, ids.NEW_GOAL_DUE_DATE, "selected_date")
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[ids.NEW_GOAL_DUE_DATE] = f"{shown(raw)} is not a date."
        return None


def _unit_key(values: Values) -> str | None:
    return (
        selected_value(values, ids.NEW_GOAL_UNIT) or text_value(values, ids.NEW_GOAL_UNIT) or None
    )


def _csf_id(values: Values) -> int | None:
    raw = selected_value(values, ids.NEW_GOAL_CSF)
    return int(raw) if raw is not None and raw.isdigit() else None


def _direction(values: Values) -> Direction:
    raw = selected_value(values, ids.NEW_GOAL_DIRECTION)
    return Direction.DECREASE if raw == Direction.DECREASE.value else Direction.INCREASE

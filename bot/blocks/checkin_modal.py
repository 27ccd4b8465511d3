"""The check-in update modal (one group of inputs per goal) and the parser of its submission.

A modal holds at most 100 blocks and each goal takes 6 (heading, value, health, confidence,
note, blocker), so one modal covers the first ``MODAL_GOALS`` goals and says how to update
the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.blocks import ids
from bot.blocks.inputs import (
    Values,
    checkboxes,
    checked_values,
    selected_value,
    static_select,
    text_input,
    text_value,
)
from bot.blocks.kit import Block, and_more, context, input_block, plain, section
from bot.blocks.lines import goal_section_text
from bot.blocks.parsing import number, parsed
from bot.blocks.text import exact_number, health_badge
from bot.domain.goals import GoalSummary
from storage.models import Health

MODAL_GOALS = 15
NOTE_MAX = 3000
VALUE_MAX = 30
HEALTH_CHOICES = tuple((health.value, health_badge(health)) for health in Health)
CONFIDENCE_CHOICES = tuple(
    (str(n), {1: "1/10 (no chance)", 10: "10/10 (certain)"}.get(n, f"{n}/10")) for n in range(1, 11)
)
BLOCKED = "blocked"


@dataclass(frozen=True)
class CheckinEntry:
    """One goal's answer in the check-in modal (None where left empty)."""

    number: int
    value: float | None
    health: Health | None
    confidence: int | None
    note: str
    blocker: bool

    @property
    def value_block(self) -> str:
        """The block id of this goal's value input, where a service refusal is shown."""
        return ids.goal_block_id(ids.CHECKIN_VALUE, self.number)


def checkin_update_modal(*, goals: Sequence[GoalSummary], delivery_id: int) -> dict[str, Any]:
    """Inputs for each goal (the first 15), prefilled with the latest answers."""
    shown = goals[:MODAL_GOALS]
    blocks = [context("Change what moved and leave the rest: the latest answers are filled in.")]
    for goal in shown:
        blocks.extend(_goal_inputs(goal))
    if len(goals) > len(shown):
        hint = "update them with `/goal update G-12 VALUE`"
        blocks.append(context(and_more(len(goals) - len(shown), hint)))
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": ids.CHECKIN_UPDATE_VIEW,
        "title": plain("Check-in"),
        "close": plain("Cancel"),
        "private_metadata": str(delivery_id),
        "blocks": blocks if shown else [section("You have no open goals to update.")],
    }
    if shown:
        view["submit"] = plain("Save")
    return view


def _goal_inputs(goal: GoalSummary) -> list[Block]:
    n = goal.number
    value = None if goal.latest_value is None else exact_number(goal.latest_value)
    unit = f" ({goal.metric_unit})" if goal.metric_unit else ""
    health = goal.reported_health.value if goal.reported_health else None
    confidence = str(goal.confidence) if goal.confidence else None
    blocker = checkboxes([(BLOCKED, "⛔ I'm blocked")], checked=[BLOCKED] if goal.blocker else [])

    def optional(field: str, label: str, element: Block) -> Block:
        return input_block(ids.goal_block_id(field, n), label, element, optional=True)

    return [
        section(goal_section_text(goal, owner=False, unit=False)),
        optional(
            ids.CHECKIN_VALUE, f"New value{unit}", text_input(initial=value, max_length=VALUE_MAX)
        ),
        optional(ids.CHECKIN_HEALTH, "Health", static_select(HEALTH_CHOICES, initial=health)),
        optional(
            ids.CHECKIN_CONFIDENCE,
            "Confidence",
            static_select(CONFIDENCE_CHOICES, initial=confidence),
        ),
        optional(ids.CHECKIN_NOTE, "Note", text_input(max_length=NOTE_MAX, multiline=True)),
        optional(ids.CHECKIN_BLOCKER, "Blocker", blocker),
    ]


def parse_checkin_update(
    values: Values, units: Mapping[int, str | None] | None = None
) -> tuple[list[CheckinEntry], dict[str, str]]:
    """Each goal's answer, in form order; when anything is wrong, no entries and the errors.

    Values are read by ``bot.parsing.number``, in each goal's metric unit when ``units`` (by
    goal number) gives it; an ambiguous value (``1,5``) is a field error asking which.
    """
    errors: dict[str, str] = {}
    numbers = dict.fromkeys(
        found[1] for found in map(ids.parse_goal_block_id, values) if found is not None
    )
    entries = [_entry(values, n, errors, (units or {}).get(n)) for n in numbers]
    return ([] if errors else entries), errors


def _entry(values: Values, n: int, errors: dict[str, str], unit: str | None) -> CheckinEntry:
    def block(field: str) -> str:
        return ids.goal_block_id(field, n)

    value = parsed(
        values, block(ids.CHECKIN_VALUE), lambda raw: number(raw, f" for G-{n}", unit=unit), errors
    )
    health = selected_value(values, block(ids.CHECKIN_HEALTH))
    confidence = selected_value(values, block(ids.CHECKIN_CONFIDENCE))
    return CheckinEntry(
        number=n,
        value=value,
        health=Health(health) if health in {h.value for h in Health} else None,
        confidence=int(confidence) if confidence and confidence.isdigit() else None,
        note=text_value(values, block(ids.CHECKIN_NOTE)),
        blocker=BLOCKED in checked_values(values, block(ids.CHECKIN_BLOCKER)),
    )

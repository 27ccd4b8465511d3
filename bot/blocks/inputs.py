"""Input elements for modals, and readers of what a submission's state holds for them.

Every input block holds one element whose ``action_id`` is ``ids.INPUT``; readers look a value
up by block id (``view["state"]["values"][block_id][action_id]``) and accept any action id, so a
renamed action id never loses a value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.blocks import ids
from bot.blocks.kit import Block, option, with_placeholder
from bot.blocks.limits import INPUT_MAX_LENGTH, SELECT_OPTIONS, truncate

Values = Mapping[str, Mapping[str, Mapping[str, Any]]]


def text_input(
    *,
    initial: str | None = None,
    max_length: int = INPUT_MAX_LENGTH,
    multiline: bool = False,
    placeholder: str | None = None,
) -> Block:
    """A plain_text_input; an initial value longer than ``max_length`` is cut to fit."""
    element: Block = {"type": "plain_text_input", "action_id": ids.INPUT, "max_length": max_length}
    if multiline:
        element["multiline"] = True
    if initial:
        element["initial_value"] = truncate(initial, max_length)
    return with_placeholder(element, placeholder)


def static_select(
    choices: Sequence[tuple[str, str]], *, initial: str | None = None, placeholder: str = "Choose"
) -> Block:
    """A static_select of (value, text) choices (at most 100); ``initial`` is a value."""
    options = [option(text, value) for value, text in choices[:SELECT_OPTIONS]]
    element: Block = {"type": "static_select", "action_id": ids.INPUT, "options": options}
    return with_placeholder(_with_initial(element, options, initial), placeholder)


def radio_buttons(choices: Sequence[tuple[str, str]], *, initial: str | None = None) -> Block:
    """Radio buttons of (value, text) choices (at most 10); ``initial`` is a value."""
    options = [option(text, value) for value, text in choices[:10]]
    element: Block = {"type": "radio_buttons", "action_id": ids.INPUT, "options": options}
    return _with_initial(element, options, initial)


def checkboxes(choices: Sequence[tuple[str, str]], *, checked: Sequence[str] = ()) -> Block:
    """Checkboxes of (value, text) choices; ``checked`` lists the values ticked at first."""
    options = [option(text, value) for value, text in choices[:10]]
    element: Block = {"type": "checkboxes", "action_id": ids.INPUT, "options": options}
    initial = [opt for opt in options if opt["value"] in checked]
    if initial:
        element["initial_options"] = initial
    return element


def users_select(*, initial_user: str | None = None) -> Block:
    """A users_select, optionally with a person chosen."""
    element: Block = {"type": "users_select", "action_id": ids.INPUT}
    if initial_user:
        element["initial_user"] = initial_user
    return with_placeholder(element, "Choose a person")


def datepicker(*, initial_date: str | None = None) -> Block:
    """A datepicker; ``initial_date`` is ``YYYY-MM-DD``."""
    element: Block = {"type": "datepicker", "action_id": ids.INPUT}
    if initial_date:
        element["initial_date"] = initial_date
    return with_placeholder(element, "Pick a date")


def timepicker(*, initial_time: str | None = None) -> Block:
    """A timepicker; ``initial_time`` is ``HH:MM``."""
    element: Block = {"type": "timepicker", "action_id": ids.INPUT}
    if initial_time:
        element["initial_time"] = initial_time
    return with_placeholder(element, "Pick a time")


def _with_initial(element: Block, options: list[Block], initial: str | None) -> Block:
    chosen = next((opt for opt in options if opt["value"] == initial), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return element


def element_state(values: Values, block_id: str) -> Mapping[str, Any]:
    """The state of the one element in a block (empty when the block is absent)."""
    block = values.get(block_id) or {}
    return next(iter(block.values()), {})


def text_value(values: Values, block_id: str) -> str:
    """A text input's value, stripped; "" when empty."""
    return str(element_state(values, block_id).get("value") or "").strip()


def selected_value(values: Values, block_id: str) -> str | None:
    """The value of a select's or radio group's chosen option."""
    chosen = element_state(values, block_id).get("selected_option") or {}
    value = chosen.get("value")
    return str(value) if value is not None else None


def checked_values(values: Values, block_id: str) -> set[str]:
    """The values of the ticked checkboxes."""
    chosen = element_state(values, block_id).get("selected_options") or []
    return {str(opt.get("value")) for opt in chosen}


def picked(values: Values, block_id: str, key: str) -> str | None:
    """A picker's value: ``selected_user``, ``selected_date`` or ``selected_time``."""
    value = element_state(values, block_id).get(key)
    return str(value) if value else None

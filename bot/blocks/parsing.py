"""Turning submitted text into values, with messages that repeat what was typed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from bot.blocks.inputs import Values, text_value
from bot.blocks.limits import truncate
from bot.parsing.number import Amount, parse_amount

SHOWN_INPUT = 40  # how much of a bad value an error message repeats
_GOAL_ID = re.compile(r"^[Gg]-?(\d{1,9})$")
T = TypeVar("T")


def shown(raw: str) -> str:
    """A typed value as an error message repeats it: in backticks, cut short."""
    cleaned = truncate(raw.replace("`", "'"), SHOWN_INPUT)
    return f"`{cleaned}`"


def parsed(
    values: Values, block_id: str, parse: Callable[[str], T], errors: dict[str, str]
) -> T | None:
    """``parse`` of a text input's value; None when empty; a ValueError becomes an error."""
    raw = text_value(values, block_id)
    if not raw:
        return None
    try:
        return parse(raw)
    except ValueError as exc:
        errors[block_id] = str(exc)
        return None


def number(raw: str, suffix: str = "", *, unit: str | None = None) -> float:
    """``42``, ``1,200``, ``12.5%``, ``$1.2M`` (in the metric's ``unit``) → a float, or
    ValueError "`abc` is not a number", or, when ambiguous, "`1,5` could be 1.5 or 15: …"."""
    parsed = parse_amount(raw, unit=unit)
    if isinstance(parsed, Amount):
        return parsed.value
    if not any(char.isdigit() for char in raw):
        raise ValueError(f"{shown(raw)} is not a number{suffix}: write it like 42 or 12.5.")
    where = f" ({suffix.strip()})" if suffix.strip() else ""
    raise ValueError(f"{parsed.message}{where}.")


def goal_number(raw: str) -> int:
    """``G-3`` → 3, or ValueError "`X` is not a goal id like G-3"."""
    match = _GOAL_ID.match(raw.strip())
    if match is None:
        raise ValueError(f"{shown(raw)} is not a goal id like G-3.")
    return int(match[1])

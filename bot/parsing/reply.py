"""Typed check-in replies: ``42``, ``42 on track``, ``G-12 42 at risk waiting on legal``.

One update per line. A line may start with a goal id; then comes the value, then an
optional health phrase, then an optional note. Commas between the parts are fine
(``42, on track, waiting on legal``). A line that says ``blocker`` or ``blocked`` in its
note is recorded with the blocker flag.

The value is read by ``bot.parsing.number`` in the goal's metric unit when the caller knows
it (``units``: by goal number; ``default_unit``: for a line without a goal id). An ambiguous
value (``1,5``) is not recorded: the line's problem asks which was meant.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.parsing.command import split_health
from bot.parsing.number import Amount, parse_amount
from storage.models import Health

_GOAL = re.compile(r"^[Gg]-?(\d{1,9}):?$")
_BLOCKER = re.compile(r"\bblock(er|ed|ing)?\b", re.IGNORECASE)
MAX_LINES = 20


@dataclass(frozen=True)
class TypedLine:
    """One line of a typed reply, understood."""

    goal: int | None
    value: float
    health: Health | None
    note: str
    blocker: bool


@dataclass(frozen=True)
class TypedReply:
    """Every line understood, and a specific message for each line that was not."""

    lines: tuple[TypedLine, ...]
    problems: tuple[str, ...]


def parse_typed_reply(
    text: str, *, units: Mapping[int, str | None] | None = None, default_unit: str | None = None
) -> TypedReply:
    """Understand a DM to the bot as progress updates, one per non-empty line.

    ``units`` maps goal numbers to their metric's unit; ``default_unit`` is the unit of the
    goal a line without a goal id is about (the owner's only open goal), when known.
    """
    lines: list[TypedLine] = []
    problems: list[str] = []
    raw_lines = [line.strip() for line in text.splitlines() if line.strip()]
    for raw in raw_lines[:MAX_LINES]:
        parsed = parse_line(raw, units=units, default_unit=default_unit)
        if isinstance(parsed, str):
            problems.append(parsed)
        else:
            lines.append(parsed)
    if len(raw_lines) > MAX_LINES:
        problems.append(f"Only the first {MAX_LINES} lines were read: send the rest separately.")
    return TypedReply(tuple(lines), tuple(problems))


def parse_line(
    raw: str, *, units: Mapping[int, str | None] | None = None, default_unit: str | None = None
) -> TypedLine | str:
    """One line as an update, or a message saying what is wrong with it."""
    words = [word.strip(",;") for word in raw.split()]
    words = [word for word in words if word]
    goal = None
    if words and (match := _GOAL.match(words[0])):
        goal, words = int(match[1]), words[1:]
    if not words:
        return f"`{raw}`: add the new value after the goal id, like `G-12 42`."
    unit = default_unit if goal is None else (units or {}).get(goal)
    parsed = parse_amount(words[0], unit=unit)
    if not isinstance(parsed, Amount):
        if not any(char.isdigit() for char in words[0]):
            return f"`{raw}`: start with the new value (a number), like `42 on track`."
        return f"`{raw}`: {parsed.message}."
    health, rest = split_health(words[1:])
    note = " ".join(rest)
    return TypedLine(goal, parsed.value, health, note, bool(_BLOCKER.search(note)))

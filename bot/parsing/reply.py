"""Typed check-in replies: ``42``, ``42 on track``, ``G-12 42 at risk waiting on legal``.

One update per line. A line may start with a goal id; then comes the value, then an
optional health phrase, then an optional note. Commas between the parts are fine
(``42, on track, waiting on legal``). A line that says ``blocker`` or ``blocked`` in its
note is recorded with the blocker flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parsing.command import parse_number, split_health
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


def parse_typed_reply(text: str) -> TypedReply:
    """Understand a DM to the bot as progress updates, one per non-empty line."""
    lines: list[TypedLine] = []
    problems: list[str] = []
    raw_lines = [line.strip() for line in text.splitlines() if line.strip()]
    for raw in raw_lines[:MAX_LINES]:
        parsed = parse_line(raw)
        if isinstance(parsed, str):
            problems.append(parsed)
        else:
            lines.append(parsed)
    if len(raw_lines) > MAX_LINES:
        problems.append(f"Only the first {MAX_LINES} lines were read: send the rest separately.")
    return TypedReply(tuple(lines), tuple(problems))


def parse_line(raw: str) -> TypedLine | str:
    """One line as an update, or a message saying what is wrong with it."""
    words = [word.strip(",;") for word in raw.split()]
    words = [word for word in words if word]
    goal = None
    if words and (match := _GOAL.match(words[0])):
        goal, words = int(match[1]), words[1:]
    if not words:
        return f"`{raw}`: add the new value after the goal id, like `G-12 42`."
    value = parse_number(words[0])
    if value is None:
        return f"`{raw}`: start with the new value (a number), like `42 on track`."
    health, rest = split_health(words[1:])
    note = " ".join(rest)
    return TypedLine(goal, value, health, note, bool(_BLOCKER.search(note)))

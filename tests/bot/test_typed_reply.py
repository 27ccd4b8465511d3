"""Typed check-in replies, line by line."""

from __future__ import annotations

import pytest

from bot.parsing.reply import TypedLine, parse_line, parse_typed_reply
from storage.models import Health


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", TypedLine(None, 42.0, None, "", False)),
        ("42 on track", TypedLine(None, 42.0, Health.ON_TRACK, "", False)),
        (
            "G-12 42 at risk waiting on legal",
            TypedLine(12, 42.0, Health.AT_RISK, "waiting on legal", False),
        ),
        (
            "42, on track, waiting on legal",
            TypedLine(None, 42.0, Health.ON_TRACK, "waiting on legal", False),
        ),
        (
            "g7: 1,200 off track blocked by vendor",
            TypedLine(7, 1200.0, Health.OFF_TRACK, "blocked by vendor", True),
        ),
        ("G-3 12.5% slow week", TypedLine(3, 12.5, None, "slow week", False)),
    ],
)
def test_each_form_of_line(text: str, expected: TypedLine) -> None:
    assert parse_line(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("G-12", "add the new value"), ("hello there", "start with the new value")],
)
def test_lines_that_are_not_updates_say_why(text: str, message: str) -> None:
    result = parse_line(text)
    assert isinstance(result, str)
    assert message in result


def test_several_goals_one_per_line_and_problems_kept_apart() -> None:
    reply = parse_typed_reply("G-1 10 on track\n\nG-2 20\nthanks!")
    assert [line.goal for line in reply.lines] == [1, 2]
    assert len(reply.problems) == 1

"""Answers to typed check-in replies: which goal was meant, and what was recorded."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks import ids
from bot.blocks.kit import Block, actions, and_more, button, context, pack_lines, section
from bot.blocks.limits import ACTIONS_ELEMENTS, BUTTON_VALUE, MESSAGE_BLOCKS, truncate
from bot.blocks.message import Message
from bot.blocks.text import escape, escape_keep_refs
from bot.domain.goals import GoalSummary

PICK_BUTTONS = 100  # four actions blocks of 25
PICK_SEPARATOR = "|"
TYPED_TIP = "Reply like `G-12 42 on track, waiting on legal`: one goal a line."
_SHOWN_VALUE = 100


def pick_goal_message(*, value_text: str, goals: Sequence[GoalSummary], reply_key: str) -> Message:
    """ "Which goal is `42` for?" with one button per goal (value: reply key and goal number)."""
    if len(reply_key) + 12 > BUTTON_VALUE:
        raise ValueError(f"reply_key has {len(reply_key)} characters: too long for a button")
    shown_value = truncate(value_text.replace("`", "'"), _SHOWN_VALUE)
    blocks = [section(f"Which goal is `{escape(shown_value)}` for?")]
    blocks.extend(_pick_blocks(goals[:PICK_BUTTONS], reply_key))
    if len(goals) > PICK_BUTTONS:
        blocks.append(
            context(and_more(len(goals) - PICK_BUTTONS, "reply with the goal id, like `G-12 42`"))
        )
    return Message(text=f"Which goal is {shown_value} for?", blocks=blocks)


def _pick_blocks(goals: Sequence[GoalSummary], reply_key: str) -> list[Block]:
    buttons = [
        button(
            f"{goal.label} {goal.title}",
            ids.suffixed(ids.PICK_GOAL, goal.number),
            value=pick_value(reply_key, goal.number),
        )
        for goal in goals
    ]
    chunks = [buttons[i : i + ACTIONS_ELEMENTS] for i in range(0, len(buttons), ACTIONS_ELEMENTS)]
    return [actions(f"{ids.PICK_GOAL_ACTIONS}:{i}", chunk) for i, chunk in enumerate(chunks)]


def pick_value(reply_key: str, number: int) -> str:
    """A pick button's value: ``<reply key>|<goal number>``."""
    return f"{reply_key}{PICK_SEPARATOR}{number}"


def parse_pick_value(value: str) -> tuple[str, int] | None:
    """``<reply key>|12`` → (reply key, 12); None when it is not a pick value."""
    reply_key, separator, number = value.rpartition(PICK_SEPARATOR)
    if not separator or not number.isdigit():
        return None
    return reply_key, int(number)


def typed_updates_confirmation(
    recorded: Sequence[tuple[str, str]], problems: Sequence[str]
) -> Message:
    """What a typed reply recorded (goal label, what) and what could not be used."""
    blocks: list[Block] = []
    half = (MESSAGE_BLOCKS - 3) // 2
    if recorded:
        lines = [f"• *{escape(label)}*: {escape_keep_refs(what)}" for label, what in recorded]
        blocks += [section("✅ Recorded:"), *pack_lines(lines, max_blocks=half)]
    if problems:
        lines = [f"• {escape_keep_refs(problem)}" for problem in problems]
        blocks += [section("❗ Could not use:"), *pack_lines(lines, max_blocks=half)]
    if not blocks:
        blocks.append(section("I could not find an update in that message."))
    blocks.append(context(TYPED_TIP))
    text = f"Recorded {len(recorded)} update(s)" + (
        f"; {len(problems)} problem(s)" if problems else ""
    )
    return Message(text=text + ".", blocks=blocks)

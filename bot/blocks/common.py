"""Messages every command can answer with: help, an error, a confirmation."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.kit import context, header, pack_lines, section
from bot.blocks.limits import MESSAGE_BLOCKS, truncate
from bot.blocks.message import Message
from bot.blocks.text import escape_keep_refs
from bot.parsing.command import USAGE

FALLBACK_TEXT = 3000
PURPOSES: dict[str, str] = {
    "help": "Show this list.",
    "new": "Create a goal (opens a form).",
    "list": "List goals: yours, a person's, a unit's or the whole company's.",
    "show": "Show one goal: metric, progress, alignment and recent updates.",
    "update": "Record progress on a goal.",
    "align": "Align a goal to a goal above it in the cascade.",
    "owner": "Hand a goal to a new owner.",
    "csf": "List, add or remove a unit's 2 or 3 critical success factors.",
    "tree": "Show the goal cascade with rolled-up progress.",
    "close": "Close a goal as achieved, missed or dropped.",
    "checkin": "Answer your check-in now.",
    "pause": "Pause your check-ins while you are away.",
    "resume": "Resume your check-ins.",
    "digest": "Send the weekly alignment digest to this channel, or preview it now.",
    "review": "Start a unit's quarterly review thread.",
    "settings": "Change workspace settings: time zone, cadence, holidays.",
}
HELP_TIP = (
    "Goal ids look like G-12. Check-ins arrive as a DM: tap a button, "
    "or reply with a line like `G-12 42 on track`."
)


def help_message(problem: str | None = None) -> Message:
    """Every /goal subcommand with its usage line and purpose; ``problem`` first when given."""
    lines = [f"`{USAGE[name]}`\n{PURPOSES.get(name, '')}".rstrip() for name in USAGE]
    blocks = [section(f"❗ {escape_keep_refs(problem)}")] if problem else []
    blocks.append(header("goalbot: what /goal can do"))
    budget = MESSAGE_BLOCKS - len(blocks) - 1
    blocks.extend(pack_lines(lines, max_blocks=budget))
    blocks.append(context(HELP_TIP))
    intro = f"{problem} " if problem else ""
    text = f"{intro}/goal commands: {', '.join(USAGE)}. Try /goal help."
    return Message(text=truncate(text, FALLBACK_TEXT), blocks=blocks)


def error_message(text: str) -> Message:
    """A problem the person can fix, said plainly (meant to be ephemeral)."""
    shown = f"❗ {text}"
    return Message(text=truncate(shown, FALLBACK_TEXT), blocks=[section(escape_keep_refs(shown))])


def confirmation_message(text: str, *, details: Sequence[str] = ()) -> Message:
    """Something done, with optional detail lines under it."""
    shown = f"✅ {text}"
    blocks = [section(escape_keep_refs(shown))]
    lines = [f"• {escape_keep_refs(detail)}" for detail in details]
    blocks.extend(pack_lines(lines, max_blocks=MESSAGE_BLOCKS - 1))
    return Message(text=truncate(shown, FALLBACK_TEXT), blocks=blocks)

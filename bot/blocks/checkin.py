"""The check-in DM (one per owner per cycle), what replaces it once answered, and escalation.

The update modal lives in ``checkin_modal`` and typed-reply answers in ``typed_replies``;
both are re-exported here so handlers import every check-in surface from one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.blocks import ids
from bot.blocks.checkin_modal import (
    MODAL_GOALS,
    CheckinEntry,
    checkin_update_modal,
    parse_checkin_update,
)
from bot.blocks.kit import Block, actions, and_more, button, context, pack_lines, section
from bot.blocks.limits import MESSAGE_BLOCKS
from bot.blocks.lines import goal_section_text
from bot.blocks.message import Message
from bot.blocks.text import escape, escape_keep_refs, mention, plural
from bot.blocks.typed_replies import (
    parse_pick_value,
    pick_goal_message,
    pick_value,
    typed_updates_confirmation,
)
from bot.domain.goals import GoalSummary

__all__ = [
    "CHECKIN_GOALS",
    "MODAL_GOALS",
    "CheckinEntry",
    "checkin_answered_message",
    "checkin_away_message",
    "checkin_message",
    "checkin_update_modal",
    "escalation_message",
    "parse_checkin_update",
    "parse_delivery_id",
    "parse_pick_value",
    "pick_goal_message",
    "pick_value",
    "typed_updates_confirmation",
]

CHECKIN_GOALS = MODAL_GOALS  # goals listed in the DM: the same ones the Update modal covers


def checkin_message(
    *,
    owner_name: str,
    goals: Sequence[GoalSummary],
    delivery_id: int,
    reminder: bool = False,
    folded: int = 0,
) -> Message:
    """The check-in DM: each goal's progress and health, three buttons, and the typed hint."""
    name = escape(owner_name)
    greeting = (
        f"⏰ Reminder, {name}: your check-in is still open."
        if reminder
        else f"👋 Hi {name}, time for your check-in: how are your goals going?"
    )
    blocks = [section(greeting)]
    if folded > 0:
        blocks.append(context(f"This one also covers {plural(folded, 'earlier check-in')}."))
    blocks.extend(section(goal_section_text(goal, owner=False)) for goal in goals[:CHECKIN_GOALS])
    if len(goals) > CHECKIN_GOALS:
        blocks.append(context(and_more(len(goals) - CHECKIN_GOALS, "use Update")))
    if goals:
        blocks.extend([_buttons(delivery_id), context(_typed_hint(goals))])
    else:
        blocks.append(section("You have no open goals right now: nothing to report."))
    lead = "Reminder: your check-in is still open" if reminder else "Time for your check-in"
    return Message(text=f"{lead}: {plural(len(goals), 'goal')}.", blocks=blocks)


def _buttons(delivery_id: int) -> Block:
    value = str(delivery_id)
    return actions(
        ids.CHECKIN_ACTIONS,
        [
            button("👍 No change", ids.CHECKIN_NO_CHANGE, value=value, style="primary"),
            button("✏️ Update", ids.CHECKIN_UPDATE, value=value),
            button("🌴 Away this week", ids.CHECKIN_AWAY, value=value),
        ],
    )


def _typed_hint(goals: Sequence[GoalSummary]) -> str:
    example = "42 on track" if len(goals) == 1 else f"{goals[0].label} 42 on track"
    return f"Or reply here with a line like `{example}` (add a note after it)."


def parse_delivery_id(text: str | None) -> int | None:
    """The delivery id in a check-in button's value or the update modal's private_metadata."""
    cleaned = (text or "").strip()
    return int(cleaned) if cleaned.isdigit() else None


def checkin_answered_message(
    *, owner_name: str, recorded: Sequence[tuple[str, str]], delivery_id: int, undo: bool
) -> Message:
    """Replaces the check-in DM: what was recorded (goal label, what), with Undo when allowed."""
    name = escape(owner_name)
    if recorded:
        blocks = [section(f"✅ Thanks, {name}! Recorded:")]
        lines = [f"• *{escape(label)}*: {escape_keep_refs(what)}" for label, what in recorded]
        blocks.extend(pack_lines(lines, max_blocks=MESSAGE_BLOCKS - 2))
    else:
        blocks = [section(f"✅ Thanks, {name}! Noted: nothing changed.")]
    if undo:
        blocks.append(_undo(delivery_id))
    return Message(text=f"Check-in answered: {plural(len(recorded), 'update')}.", blocks=blocks)


def checkin_away_message(
    *, owner_name: str, delivery_id: int, until: date | None = None, undo: bool = True
) -> Message:
    """Replaces the check-in DM after "Away this week", with Undo when allowed."""
    back = f" See you after {until.isoformat()}." if until is not None else ""
    blocks = [section(f"🌴 Got it, {escape(owner_name)}: no check-in this week.{back}")]
    blocks.append(
        context("Back early? `/goal resume`. Away longer? `/goal pause until YYYY-MM-DD`.")
    )
    if undo:
        blocks.append(_undo(delivery_id))
    return Message(text=f"Skipped this check-in: you are away.{back}", blocks=blocks)


def _undo(delivery_id: int) -> Block:
    return actions(
        ids.CHECKIN_UNDO_ACTIONS, [button("↩️ Undo", ids.CHECKIN_UNDO, value=str(delivery_id))]
    )


def escalation_message(*, lead_name: str, owner_slack_id: str, missed: int) -> Message:
    """To a lead: an owner has missed several check-ins in a row."""
    owner = mention(owner_slack_id)
    missed_text = plural(missed, "check-in")
    text = (
        f"👋 Hi {escape(lead_name)}: {owner} has missed {missed_text} in a row. "
        "A quick word may help: are their goals still the right ones, or are they blocked?"
    )
    blocks = [section(text), context("goalbot tells a lead after repeated missed check-ins.")]
    return Message(text=f"{owner} has missed {missed_text} in a row.", blocks=blocks)


DAY_NAMES = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


def checkin_rhythm_message(*, weekday: int, time: str, tz: str, personal: bool) -> Message:
    """Confirms when a person's check-ins now come."""
    when = f"{DAY_NAMES[weekday]} at {time}, your time ({tz})"
    if personal:
        text = f"✅ Your check-ins now come on {when}."
        hint = "`/goal checkin at default` goes back to the team's day and time."
    else:
        text = f"✅ Your check-ins come on the team's day and time again: {when}."
        hint = "`/goal checkin at friday 16:00` sets your own."
    return Message(text=text, blocks=[section(escape_keep_refs(text)), context(hint)])

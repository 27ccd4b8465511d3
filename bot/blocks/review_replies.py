"""What ``/goal review`` answers: where each unit's review thread stands, or where it will go."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.kit import context, pack_lines, section
from bot.blocks.limits import MESSAGE_BLOCKS, truncate
from bot.blocks.message import Message
from bot.blocks.text import escape, escape_keep_refs, plural
from bot.domain.review import OpenedReviews, ReviewState
from storage.models import DeliveryStatus
from storage.repositories.review_posting import NO_CHANNEL

FALLBACK_TEXT = 3000


def review_started_message(opened: OpenedReviews, states: Sequence[ReviewState]) -> Message:
    """One line per unit in scope: thread opened, being posted, or why not (and what to do)."""
    quarter = str(opened.quarter)
    posted = sum(1 for state in states if state.status is DeliveryStatus.SENT)
    if not states:
        head = f"Nothing to review: no unit here has goals of {quarter}."
    else:
        head = f"📋 Quarterly review {quarter}: {plural(posted, 'thread')} open of {len(states)}."
    blocks = [section(head)]
    lines = [state_line(state) for state in states]
    budget = MESSAGE_BLOCKS - len(blocks) - 1
    blocks.extend(pack_lines(lines, max_blocks=budget))
    if opened.without_goals:
        idle = ", ".join(escape(name) for name in opened.without_goals)
        blocks.append(context(truncate(f"No goals of {quarter} to review in: {idle}.", 2000)))
    text = head + " " + "; ".join(_plain(state) for state in states)
    return Message(text=truncate(text, FALLBACK_TEXT), blocks=blocks)


def state_line(state: ReviewState) -> str:
    """``✅ *Sales*: thread in #leadership``, or what went wrong and how to fix it."""
    name = f"*{escape(state.unit_name)}*"
    where = f"<#{state.channel_id}>" if state.channel_id else "no channel"
    if state.status is DeliveryStatus.SENT:
        return f"✅ {name}: thread in {where}"
    if state.status is DeliveryStatus.FAILED:
        return f"❗ {name}: {escape_keep_refs(_why(state))}"
    return f"⏳ {name}: being posted to {where}"


def _why(state: ReviewState) -> str:
    if state.error == NO_CHANNEL or state.channel_id is None:
        return (
            f"no channel for its review. Run `/goal review here {state.unit_key}` in the channel "
            f"that should hold it, then `/goal review start {state.unit_key}` again."
        )
    return f"{state.error or 'Slack refused the post'}; then run `/goal review start` again."


def _plain(state: ReviewState) -> str:
    if state.status is DeliveryStatus.SENT:
        return f"{state.unit_name}: thread open"
    if state.status is DeliveryStatus.FAILED:
        return f"{state.unit_name}: not opened"
    return f"{state.unit_name}: being posted"


def review_channel_message(unit_name: str, channel_id: str) -> Message:
    """The answer to ``/goal review here``."""
    text = (
        f"✅ Reviews of {escape(unit_name)} (and of the units below it without a channel of "
        f"their own) will open in <#{channel_id}>. Make sure goalbot is in this channel: "
        "`/invite @goalbot`."
    )
    return Message(text=truncate(text, FALLBACK_TEXT), blocks=[section(text)])

"""DMs to the bot: typed check-in replies recorded as progress updates."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.application import Services
from bot.blocks.checkin import pick_goal_message, typed_updates_confirmation
from bot.domain.enums import Health
from bot.parsing.reply import TypedLine
from handlers.checkin_dm import show_reply_answered

logger = logging.getLogger(__name__)
NOTE_IN_BUTTON = 500  # a button value holds at most 2,000 characters


def is_direct_message(event: dict[str, Any]) -> bool:
    """True for a person's new message in their DM with the bot (not edits, not bots)."""
    return (
        event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
    )


def direct_message(services: Services) -> Callable[..., None]:
    """Listener for DMs: record the typed updates, ask back when a goal is ambiguous."""

    def handle(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        team_id = body.get("team_id", "")
        key = event.get("client_msg_id") or event.get("ts", "")
        outcome = services.replies.apply(
            team_id=team_id, actor_id=event["user"], text=event.get("text", ""), message_key=key
        )
        channel = event["channel"]
        for reply_key, line in outcome.ambiguous:
            question = pick_goal_message(
                value_text=f"{line.value:g}",
                goals=outcome.choices,
                reply_key=encode_line(reply_key, line),
            )
            client.chat_postMessage(channel=channel, **question.kwargs())
        if outcome.recorded or outcome.problems:
            reply = typed_updates_confirmation(outcome.recorded, outcome.problems)
            client.chat_postMessage(channel=channel, **reply.kwargs())
        show_reply_answered(
            services, client, team_id=team_id, user_id=event["user"], outcome=outcome
        )

    return handle


def encode_line(key: str, line: TypedLine) -> str:
    """A typed line waiting for its goal, packed into a button value."""
    health = line.health.value if line.health else None
    packed = {
        "k": key,
        "v": line.value,
        "h": health,
        "n": line.note[:NOTE_IN_BUTTON],
        "b": line.blocker,
    }
    return json.dumps(packed, separators=(",", ":"), ensure_ascii=False)


def decode_line(packed: str) -> tuple[str, TypedLine]:
    """The dedup key and the line from ``encode_line``."""
    data = json.loads(packed)
    health = Health(data["h"]) if data.get("h") else None
    return data["k"], TypedLine(
        None, float(data["v"]), health, data.get("n", ""), bool(data.get("b"))
    )

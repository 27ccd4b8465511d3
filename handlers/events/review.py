"""Replies in review threads, recorded with their review (``message.channels``/``.groups``).

Every message in a channel goalbot is in arrives here; only people's replies in a review's
thread are kept (one row per message ``ts``, so a repeated event is kept once). Top-level
messages, edits, joins and bots' messages are acknowledged and ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.application import Services
from handlers.deferred import after_ack
from handlers.views.review import refresh_thread_parent

CHANNEL_TYPES = frozenset({"channel", "group"})
KEPT_SUBTYPES = frozenset({"", "thread_broadcast", "file_share"})
REVIEW_EVENTS = ("message.channels", "message.groups")


def register_review_events(app: App, services: Services) -> None:
    """Bind messages in public and private channels."""
    app.event("message", matchers=[is_channel_message])(after_ack(thread_reply(services)))


def is_channel_message(event: dict[str, Any]) -> bool:
    """True for any message event in a public or private channel."""
    return event.get("channel_type") in CHANNEL_TYPES


def is_thread_reply(event: dict[str, Any]) -> bool:
    """True for a person's reply in a thread (not the parent, an edit or a bot's message)."""
    thread_ts, ts = event.get("thread_ts"), event.get("ts")
    return (
        bool(thread_ts)
        and thread_ts != ts
        and (event.get("subtype") or "") in KEPT_SUBTYPES
        and not event.get("bot_id")
        and bool(event.get("user"))
    )


def thread_reply(services: Services) -> Callable[..., None]:
    """Listener: keep a reply when its thread is a review's; its parent counts the replies."""

    def handle(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if not is_thread_reply(event):
            return
        thread = services.reviews.record_reply(
            team_id=body.get("team_id", ""),
            actor_id=str(event["user"]),
            channel_id=str(event.get("channel", "")),
            thread_ts=str(event["thread_ts"]),
            text=str(event.get("text") or ""),
            ts=str(event["ts"]),
        )
        refresh_thread_parent(client, thread, "thread reply")

    return handle

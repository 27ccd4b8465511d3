"""Event listeners: App Home, profile changes and new people, DMs to the bot."""

from __future__ import annotations

from slack_bolt import App

from bot.application import Services
from handlers.deferred import after_ack
from handlers.events.home import app_home_opened
from handlers.events.people import person_changed
from handlers.events.replies import direct_message, is_direct_message
from handlers.events.review import REVIEW_EVENTS, register_review_events

# Manifest event names (bot_events) and the listener bound for each.
EVENTS = ("app_home_opened", "message.im", "user_change", "team_join", *REVIEW_EVENTS)


def register(app: App, services: Services) -> None:
    """Bind every event the manifest subscribes to."""
    app.event("app_home_opened")(after_ack(app_home_opened(services)))
    app.event("user_change")(after_ack(person_changed(services)))
    app.event("team_join")(after_ack(person_changed(services)))
    app.event("message", matchers=[is_direct_message])(after_ack(direct_message(services)))
    register_review_events(app, services)  # thread replies in channels

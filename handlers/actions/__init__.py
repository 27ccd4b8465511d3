"""Button listeners: the check-in DM, App Home, picking a goal for a typed reply."""

from __future__ import annotations

from slack_bolt import App

from bot.application import Services
from bot.blocks import ids
from handlers.actions.buttons import goal_picked, new_goal_clicked, open_checkin_clicked
from handlers.actions.checkin import away_clicked, no_change_clicked, undo_clicked, update_clicked
from handlers.actions.review import register_review_actions
from handlers.deferred import after_ack

ACTIONS = (
    ids.CHECKIN_NO_CHANGE,
    ids.CHECKIN_UPDATE,
    ids.CHECKIN_AWAY,
    ids.CHECKIN_UNDO,
    ids.HOME_NEW_GOAL,
    ids.OPEN_CHECKIN,
    ids.PICK_GOAL,
)


def register(app: App, services: Services) -> None:
    """Bind every button."""
    app.action(ids.CHECKIN_NO_CHANGE)(after_ack(no_change_clicked(services)))
    app.action(ids.CHECKIN_UPDATE)(after_ack(update_clicked(services)))
    app.action(ids.CHECKIN_AWAY)(after_ack(away_clicked(services)))
    app.action(ids.CHECKIN_UNDO)(after_ack(undo_clicked(services)))
    app.action(ids.HOME_NEW_GOAL)(after_ack(new_goal_clicked(services)))
    app.action(ids.OPEN_CHECKIN)(after_ack(open_checkin_clicked(services)))
    app.action(ids.PICK_GOAL_PATTERN)(after_ack(goal_picked(services)))
    register_review_actions(app, services)  # ids in bot.blocks.ids (the review section)

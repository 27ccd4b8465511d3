"""Button listeners: the check-in DM, App Home, picking a goal for a typed reply."""

from __future__ import annotations

from slack_bolt import App

from bot import ids
from bot.services import Services
from handlers.actions.buttons import goal_picked, new_goal_clicked, open_checkin_clicked
from handlers.actions.checkin import away_clicked, no_change_clicked, undo_clicked, update_clicked

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
    app.action(ids.CHECKIN_NO_CHANGE)(no_change_clicked(services))
    app.action(ids.CHECKIN_UPDATE)(update_clicked(services))
    app.action(ids.CHECKIN_AWAY)(away_clicked(services))
    app.action(ids.CHECKIN_UNDO)(undo_clicked(services))
    app.action(ids.HOME_NEW_GOAL)(new_goal_clicked(services))
    app.action(ids.OPEN_CHECKIN)(open_checkin_clicked(services))
    app.action(ids.PICK_GOAL_PATTERN)(goal_picked(services))

"""Button listeners: App Home, picking a goal for a typed reply."""

from __future__ import annotations

from slack_bolt import App

from bot.ids import HOME_NEW_GOAL, OPEN_CHECKIN, PICK_GOAL, PICK_GOAL_PATTERN
from bot.services import Services
from handlers.actions.buttons import goal_picked, new_goal_clicked, open_checkin_clicked

ACTIONS = (HOME_NEW_GOAL, OPEN_CHECKIN, PICK_GOAL)


def register(app: App, services: Services) -> None:
    """Bind every button."""
    app.action(HOME_NEW_GOAL)(new_goal_clicked(services))
    app.action(OPEN_CHECKIN)(open_checkin_clicked(services))
    app.action(PICK_GOAL_PATTERN)(goal_picked(services))

"""Modal submissions: new goal, settings, check-in update."""

from __future__ import annotations

from slack_bolt import App

from bot.application import Services
from bot.blocks.ids import CHECKIN_UPDATE_VIEW, NEW_GOAL_VIEW, SETTINGS_VIEW
from handlers.deferred import stored_inline
from handlers.views.review import register_review_views
from handlers.views.submissions import checkin_submitted, new_goal_submitted, settings_submitted

VIEWS = (NEW_GOAL_VIEW, SETTINGS_VIEW, CHECKIN_UPDATE_VIEW)


def register(app: App, services: Services) -> None:
    """Bind every modal's submission."""
    app.view(NEW_GOAL_VIEW)(stored_inline(new_goal_submitted(services)))
    app.view(SETTINGS_VIEW)(stored_inline(settings_submitted(services)))
    app.view(CHECKIN_UPDATE_VIEW)(stored_inline(checkin_submitted(services)))
    register_review_views(app, services)  # ids in bot.blocks.ids (the review section)

"""The review's buttons: *Rate this quarter* in the thread, and the close-out DM's outcomes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.application import Services
from bot.blocks import ids
from bot.blocks.common import error_message
from bot.blocks.review_closeout import closeout_message
from bot.blocks.review_modal import rating_modal
from bot.domain.enums import GoalStatus
from bot.domain.errors import GoalbotError
from handlers.deferred import after_ack
from handlers.requests import Asker

Listener = Callable[..., None]
OUTCOMES = {
    ids.CLOSEOUT_ACHIEVED: GoalStatus.ACHIEVED,
    ids.CLOSEOUT_MISSED: GoalStatus.MISSED,
    ids.CLOSEOUT_CARRY: GoalStatus.CARRIED_OVER,
}
REVIEW_ACTIONS = ids.ALL_REVIEW_ACTION_IDS
EXPIRED = "That button has expired: open the review's thread again."


def register_review_actions(app: App, services: Services) -> None:
    """Bind the review's buttons."""
    app.action(ids.REVIEW_RATE)(after_ack(rate_clicked(services)))
    for action_id, outcome in OUTCOMES.items():
        app.action(action_id)(after_ack(closeout_clicked(services, outcome)))


def rate_clicked(services: Services) -> Listener:
    """Open the rating modal, prefilled with the person's earlier answers."""

    def handle(
        body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        asker = Asker.from_interaction(body)
        review_id = ids.parse_review_id(action.get("value"))
        try:
            if review_id is None:
                raise GoalbotError(EXPIRED)
            form = services.reviews.rating_form(
                team_id=asker.team_id, actor_id=asker.user_id, review_id=review_id
            )
        except GoalbotError as error:
            respond(**error_message(error.message).kwargs(), replace_original=False)
            return
        view = rating_modal(
            review_id=form.review_id,
            unit_name=form.unit_name,
            period=form.period,
            previous=form.previous,
        )
        client.views_open(trigger_id=asker.trigger_id, view=view)

    return handle


def closeout_clicked(services: Services, outcome: GoalStatus) -> Listener:
    """Close one goal as the button says and redraw the close-out DM in place."""

    def handle(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        asker = Asker.from_interaction(body)
        picked = ids.parse_closeout_value(action.get("value"))
        try:
            if picked is None:
                raise GoalbotError(EXPIRED)
            review_id, number = picked
            view = services.reviews.close_out(
                team_id=asker.team_id,
                actor_id=asker.user_id,
                review_id=review_id,
                goal_number=number,
                outcome=outcome,
            )
        except GoalbotError as error:
            respond(**error_message(error.message).kwargs(), replace_original=False)
            return
        if view is not None:
            respond(**closeout_message(view).kwargs(), replace_original=True)

    return handle

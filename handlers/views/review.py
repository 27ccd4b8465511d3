"""The rating modal's submission: field errors, or the rating kept and the thread updated."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.application import Services
from bot.blocks import ids
from bot.blocks.review_modal import parse_rating
from bot.domain.errors import GoalbotError
from bot.domain.review import ThreadMessage
from handlers.deferred import stored_inline
from handlers.requests import Asker

logger = logging.getLogger(__name__)
REVIEW_VIEWS = ids.ALL_REVIEW_VIEW_CALLBACK_IDS


def register_review_views(app: App, services: Services) -> None:
    """Bind the rating modal (inline: its field errors travel in the ack)."""
    app.view(ids.REVIEW_RATING_VIEW)(stored_inline(rating_submitted(services)))


def rating_submitted(services: Services) -> Callable[..., None]:
    """Keep the person's rating (one per review), then refresh the thread's ratings line."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        asker = Asker.from_interaction(body)
        entry, errors = parse_rating(view["state"]["values"])
        review_id = ids.parse_review_id(view.get("private_metadata"))
        if entry is None or review_id is None:
            logger.info("rating by %s refused: %s", asker.user_id, errors)
            ack(response_action="errors", errors=errors or {ids.REVIEW_STRATEGY: "Try again."})
            return
        try:
            thread = services.reviews.rate(
                team_id=asker.team_id, actor_id=asker.user_id, review_id=review_id, entry=entry
            )
        except GoalbotError as error:
            ack(response_action="errors", errors={ids.REVIEW_STRATEGY: error.message})
            return
        ack()
        refresh_thread_parent(client, thread, "rating")

    return handle


def refresh_thread_parent(client: WebClient, thread: ThreadMessage | None, kept: str) -> None:
    """Redraw a review thread's parent (its ratings and replies line) after something was kept;
    what was kept stays kept when Slack refuses the update."""
    if thread is None:
        return
    try:
        client.chat_update(
            channel=thread.channel_id, ts=thread.ts, text=thread.text, blocks=thread.blocks
        )
    except SlackApiError:
        logger.warning("%s kept, but the review thread could not be updated", kept, exc_info=True)

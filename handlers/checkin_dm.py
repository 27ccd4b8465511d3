"""Rewriting a check-in DM in place once its owner has answered, however they answered."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.application import Services
from bot.blocks.checkin import checkin_answered_message
from bot.services.replies import ReplyOutcome

logger = logging.getLogger(__name__)


def show_answered(
    services: Services,
    client: WebClient,
    *,
    team_id: str,
    user_id: str,
    delivery_id: int,
    recorded: Sequence[tuple[str, str]],
) -> bool:
    """Mark the check-in answered; its DM then shows what was recorded, with Undo, instead of
    its buttons. False when there is no DM to rewrite: an ad-hoc check-in, or one Slack will
    not update (deleted, say); what was recorded stays recorded either way."""
    posted = services.checkins.mark_answered(
        team_id=team_id, actor_id=user_id, delivery_id=delivery_id
    )
    if posted is None:
        return False
    answered = checkin_answered_message(
        owner_name=posted.owner_name, recorded=recorded, delivery_id=delivery_id, undo=True
    )
    try:
        client.chat_update(channel=posted.channel, ts=posted.message_ts, **answered.kwargs())
    except SlackApiError as error:
        logger.warning(
            "check-in %s answered, but its DM could not be updated: %s",
            delivery_id,
            error.response.get("error"),
        )
        return False
    return True


def show_reply_answered(
    services: Services, client: WebClient, *, team_id: str, user_id: str, outcome: ReplyOutcome
) -> None:
    """After a typed reply: rewrite the check-in DM it answered, if it answered one."""
    if outcome.answered_checkin is not None:
        show_answered(
            services,
            client,
            team_id=team_id,
            user_id=user_id,
            delivery_id=outcome.answered_checkin,
            recorded=outcome.recorded,
        )

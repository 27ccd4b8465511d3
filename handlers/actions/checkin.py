"""The check-in DM's buttons: No change, Update, Away this week, and Undo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.application import Services
from bot.blocks.checkin import (
    checkin_answered_message,
    checkin_away_message,
    checkin_message,
    checkin_update_modal,
    parse_delivery_id,
)
from bot.blocks.common import error_message
from bot.domain.errors import GoalbotError
from handlers.requests import Asker

Listener = Callable[..., None]


T = TypeVar("T")


def _delivery(action: dict[str, Any]) -> int:
    return parse_delivery_id(action.get("value")) or 0


def _or_explain(respond: Respond, answer: Callable[[], T]) -> T | None:
    """The service's answer, or None after telling the person why it was refused."""
    try:
        return answer()
    except GoalbotError as error:
        respond(**error_message(error.message).kwargs(), replace_original=False)
        return None


def no_change_clicked(services: Services) -> Listener:
    """Record "no change" on every goal and show what was recorded, with Undo."""

    def handle(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        asker, delivery = Asker.from_interaction(body), _delivery(action)
        answer = _or_explain(
            respond,
            lambda: services.checkins.no_change(
                team_id=asker.team_id, actor_id=asker.user_id, delivery_id=delivery
            ),
        )
        if answer is None:
            return
        reply = checkin_answered_message(
            owner_name=answer.owner_name, recorded=answer.recorded, delivery_id=delivery, undo=True
        )
        respond(**reply.kwargs(), replace_original=True)

    return handle


def update_clicked(services: Services) -> Listener:
    """Open the modal to update every goal at once."""

    def handle(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        asker = Asker.from_interaction(body)
        goals = services.goals.list_for(team_id=asker.team_id, owner_slack_id=asker.user_id)
        view = checkin_update_modal(goals=goals, delivery_id=_delivery(action))
        client.views_open(trigger_id=asker.trigger_id, view=view)

    return handle


def away_clicked(services: Services) -> Listener:
    """Skip this cycle: the owner is away until the end of their week."""

    def handle(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        asker, delivery = Asker.from_interaction(body), _delivery(action)
        answer = _or_explain(
            respond,
            lambda: services.checkins.away_this_week(
                team_id=asker.team_id, actor_id=asker.user_id, delivery_id=delivery
            ),
        )
        if answer is None:
            return
        reply = checkin_away_message(
            owner_name=answer.owner_name, delivery_id=delivery, until=answer.away_until
        )
        respond(**reply.kwargs(), replace_original=True)

    return handle


def undo_clicked(services: Services) -> Listener:
    """Take the answer back and show the check-in again."""

    def handle(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        asker, delivery = Asker.from_interaction(body), _delivery(action)
        owner_name = _or_explain(
            respond,
            lambda: services.checkins.undo(
                team_id=asker.team_id, actor_id=asker.user_id, delivery_id=delivery
            ),
        )
        if owner_name is None:
            return
        goals = services.goals.list_for(team_id=asker.team_id, owner_slack_id=asker.user_id)
        reply = checkin_message(owner_name=owner_name, goals=goals, delivery_id=delivery)
        respond(**reply.kwargs(), replace_original=True)

    return handle

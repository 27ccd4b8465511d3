"""Modal submissions: validate, call a service, answer with field errors or close."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.application import Services
from bot.blocks.checkin import (
    parse_checkin_update,
    parse_delivery_id,
    typed_updates_confirmation,
)
from bot.blocks.common import confirmation_message
from bot.blocks.goals import goal_created_message
from bot.blocks.new_goal import field_for, parse_new_goal
from bot.blocks.settings import parse_settings
from bot.domain.enums import UpdateSource
from bot.domain.errors import GoalbotError, InvalidInput
from handlers.checkin_dm import show_answered
from handlers.deferred import AFTER_ACK, report_error
from handlers.requests import Asker

logger = logging.getLogger(__name__)
Listener = Callable[..., None]


def _refuse(ack: Ack, errors: dict[str, str], asker: Asker, what: str) -> None:
    logger.info("%s by %s refused: %s", what, asker.user_id, errors)
    ack(response_action="errors", errors=errors)


def new_goal_submitted(services: Services) -> Listener:
    """Create the goal, or show field errors in the modal; DM the author the result."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        asker = Asker.from_interaction(body)
        parsed, errors = parse_new_goal(view["state"]["values"])
        if parsed is None or errors:
            return _refuse(ack, errors, asker, "new goal")
        try:
            created = services.goals.create(
                team_id=asker.team_id, actor_id=asker.user_id, draft=parsed.to_draft()
            )
        except GoalbotError as error:
            # A refusal is about the unit the goal would belong to: show it there.
            field = error.field if isinstance(error, InvalidInput) else "unit"
            return _refuse(ack, {field_for(field): error.message}, asker, "new goal")
        ack()
        client.chat_postMessage(channel=asker.user_id, **goal_created_message(created).kwargs())

    return handle


def settings_submitted(services: Services) -> Listener:
    """Save the workspace settings, or show field errors in the modal."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        asker = Asker.from_interaction(body)
        parsed, errors = parse_settings(view["state"]["values"])
        if parsed is None or errors:
            return _refuse(ack, errors, asker, "settings")
        try:
            services.workspace.update(team_id=asker.team_id, actor_id=asker.user_id, new=parsed)
        except InvalidInput as error:
            return _refuse(ack, {error.field or "timezone": error.message}, asker, "settings")
        ack()
        reply = confirmation_message("goalbot's settings are saved.")
        client.chat_postMessage(channel=asker.user_id, **reply.kwargs())

    return handle


def checkin_submitted(services: Services) -> Listener:
    """Record every goal's update from the check-in modal, or show field errors."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        asker = Asker.from_interaction(body)
        owned = services.goals.list_for(team_id=asker.team_id, owner_slack_id=asker.user_id)
        units = {goal.number: goal.metric_unit for goal in owned}
        entries, errors = parse_checkin_update(view["state"]["values"], units)
        if errors:
            return _refuse(ack, errors, asker, "check-in")
        delivery = parse_delivery_id(view.get("private_metadata")) or None
        recorded: list[tuple[str, str]] = []
        for entry in entries:
            try:
                result = services.goals.record_update(
                    team_id=asker.team_id,
                    actor_id=asker.user_id,
                    goal_number=entry.number,
                    value=entry.value,
                    health=entry.health,
                    confidence=entry.confidence,
                    note=entry.note,
                    blocker=entry.blocker,
                    source=UpdateSource.MODAL,
                    dedup_key=f"view:{view['id']}:{entry.number}",
                    delivery_id=delivery,
                )
            except GoalbotError as error:
                return _refuse(ack, {entry.value_block: error.message}, asker, "check-in")
            recorded.append((f"G-{entry.number}", _describe(result.update.value, entry)))
        ack()
        AFTER_ACK.submit(_confirm_checkin, services, asker, delivery or 0, recorded, client)

    return handle


def _confirm_checkin(
    services: Services,
    asker: Asker,
    delivery_id: int,
    recorded: list[tuple[str, str]],
    client: WebClient,
) -> None:
    """After the modal closes: the check-in DM shows what was recorded, with Undo, in place;
    without a check-in DM (``/goal checkin``) a new DM confirms it."""
    try:
        shown = show_answered(
            services,
            client,
            team_id=asker.team_id,
            user_id=asker.user_id,
            delivery_id=delivery_id,
            recorded=recorded,
        )
        if not shown:
            reply = typed_updates_confirmation(recorded, ())
            client.chat_postMessage(channel=asker.user_id, **reply.kwargs())
    except Exception as error:  # noqa: BLE001 -- the updates are saved; the person is told
        report_error(error, {"user": {"id": asker.user_id}}, None, client)


def _describe(value: float | None, entry: Any) -> str:
    parts = [f"{value:g}" if value is not None else "no new value"]
    if entry.health is not None:
        parts.append(entry.health.value.replace("_", " "))
    if entry.blocker:
        parts.append("blocker")
    return ", ".join(parts)

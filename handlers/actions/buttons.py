"""Buttons outside the check-in DM: New goal and Check in now (App Home), pick a goal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.application import Services
from bot.blocks.checkin import checkin_update_modal, parse_pick_value, typed_updates_confirmation
from bot.blocks.common import error_message
from bot.blocks.new_goal import new_goal_modal
from handlers.checkin_dm import show_reply_answered
from handlers.events.replies import decode_line
from handlers.requests import Asker

Listener = Callable[..., None]


def new_goal_clicked(services: Services) -> Listener:
    """Open the new-goal modal."""

    def handle(body: dict[str, Any], client: WebClient) -> None:
        asker = Asker.from_interaction(body)
        form = services.directory.goal_form(team_id=asker.team_id, actor_id=asker.user_id)
        view = new_goal_modal(
            units=form.units,
            default_unit=form.default_unit,
            period=form.period,
            owner_slack_id=asker.user_id,
            csfs=form.csfs,
        )
        client.views_open(trigger_id=asker.trigger_id, view=view)

    return handle


def open_checkin_clicked(services: Services) -> Listener:
    """Open the check-in modal for all of the person's open goals."""

    def handle(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        asker = Asker.from_interaction(body)
        goals = services.goals.list_for(team_id=asker.team_id, owner_slack_id=asker.user_id)
        delivery_id = int(action.get("value") or 0)
        view = checkin_update_modal(goals=goals, delivery_id=delivery_id)
        client.views_open(trigger_id=asker.trigger_id, view=view)

    return handle


def goal_picked(services: Services) -> Listener:
    """Record a typed value for the goal the owner picked, in place of the question."""

    def handle(
        body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        asker = Asker.from_interaction(body)
        picked = parse_pick_value(action.get("value", ""))
        try:
            if picked is None:
                raise ValueError("not a pick-goal value")
            key, line = decode_line(picked[0])
        except (ValueError, KeyError):
            respond(**error_message("That button has expired: type the update again.").kwargs())
            return
        number = picked[1]
        outcome = services.replies.apply_line(
            team_id=asker.team_id, actor_id=asker.user_id, goal_number=number, line=line, key=key
        )
        reply = typed_updates_confirmation(outcome.recorded, outcome.problems)
        respond(**reply.kwargs(), replace_original=True)
        show_reply_answered(
            services, client, team_id=asker.team_id, user_id=asker.user_id, outcome=outcome
        )

    return handle

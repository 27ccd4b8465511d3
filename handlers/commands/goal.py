"""``/goal``: acknowledge, parse, run the subcommand, answer ephemerally."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.application import Services
from bot.blocks.common import error_message
from bot.domain.errors import GoalbotError
from bot.parsing.command import parse_command
from handlers.commands.subcommands import SUBCOMMANDS, Invocation
from handlers.requests import Asker

logger = logging.getLogger(__name__)


def goal_command(services: Services) -> Callable[..., None]:
    """The ``/goal`` listener."""

    def handle(command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        asker = Asker.from_command(command)
        try:
            parsed = parse_command(
                command.get("text", ""),
                unit_of=lambda number: services.goals.metric_unit(
                    team_id=asker.team_id, goal_number=number
                ),
            )
            reply = SUBCOMMANDS[parsed.name](Invocation(services, asker, parsed, client))
        except GoalbotError as error:
            logger.info("/goal %r by %s refused: %s", parsed_name(command), asker.user_id, error)
            reply = error_message(error.message)
        if reply is not None:
            respond(**reply.kwargs(), response_type="ephemeral", replace_original=False)

    return handle


def parsed_name(command: dict[str, Any]) -> str:
    """The first word of the command text, for logs."""
    words = str(command.get("text", "")).split()
    return words[0] if words else ""

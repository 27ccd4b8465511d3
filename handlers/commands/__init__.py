"""Slash command listeners: ``/goal`` and its subcommands."""

from __future__ import annotations

from slack_bolt import App

from bot.application import Services
from bot.blocks.ids import GOAL_COMMAND
from handlers.commands.goal import goal_command
from handlers.deferred import after_ack

COMMANDS = (GOAL_COMMAND,)


def register(app: App, services: Services) -> None:
    """Bind every slash command."""
    app.command(GOAL_COMMAND)(after_ack(goal_command(services)))

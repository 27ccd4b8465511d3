"""``/goal review start [UNIT] [PERIOD]`` and ``/goal review here [UNIT]``.

Starting opens the reviews (once per unit and quarter) and posts their threads right away,
after the ack; the close-out DMs follow with the next tick.
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.application import Services
from bot.blocks.message import Message
from bot.blocks.review_replies import review_channel_message, review_started_message
from bot.delivery.slack import SlackPoster
from bot.domain.errors import InvalidInput
from bot.parsing.command import Command
from handlers.requests import Asker


def review_subcommand(
    services: Services, asker: Asker, command: Command, client: WebClient
) -> Message:
    """Start reviews, or make this channel a unit's review channel."""
    reviews = services.reviews
    if command.action == "here":
        if not asker.channel_id or asker.channel_id.startswith("D"):
            raise InvalidInput("Run `/goal review here` in the channel that should hold reviews.")
        name = reviews.set_channel(
            team_id=asker.team_id,
            actor_id=asker.user_id,
            unit_key=command.unit,
            channel_id=asker.channel_id,
        )
        return review_channel_message(name, asker.channel_id)
    opened = reviews.start(
        team_id=asker.team_id, actor_id=asker.user_id, unit_key=command.unit, period=command.period
    )
    reviews.post_due(SlackPoster(client), team_id=asker.team_id)
    states = reviews.states(team_id=asker.team_id, opened=opened)
    return review_started_message(opened, states)

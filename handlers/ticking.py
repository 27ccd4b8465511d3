"""Wiring the check-in tick to Slack: the poster, the composer and a pacer that lasts."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.checkins.compose import CheckinComposer
from bot.checkins.pacing import TokenBucket
from bot.checkins.slack_poster import SlackPoster
from bot.checkins.tick import TickReport, run_tick
from bot.clock import Clock
from bot.services import Services


def make_tick(
    engine: Engine, clock: Clock, services: Services, client: WebClient
) -> Callable[[], TickReport]:
    """A tick bound to this process's Slack client; its pacer is kept across ticks."""
    poster = SlackPoster(client)
    composer = CheckinComposer(services.goals, engine=engine)
    pacer = TokenBucket()

    def tick() -> TickReport:
        return run_tick(engine, clock, poster, composer, pacer=pacer)

    return tick

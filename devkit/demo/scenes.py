"""The demo's set pieces around the weekly rhythm: the leadership channel subscribing to the
digest, and the quarterly review at the end.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.domain.periods import quarter_of
from bot.reviews.policy import opening_instant
from devkit.demo.seen import AnswerFailed, check_status, wait_for
from devkit.demo.timeline import Rhythm
from devkit.demo.world import World

logger = logging.getLogger(__name__)


def rhythm_of(world: World) -> Rhythm:
    """The workspace's check-in and digest settings, as imported from the plan."""
    workspace = world.services.workspace.get(team_id=world.slack.team_id)
    return Rhythm(
        timezone=workspace.timezone,
        cadence=str(workspace.cadence),
        checkin_weekday=workspace.checkin_weekday,
        checkin_time=workspace.checkin_time,
        digest_weekday=workspace.digest_weekday,
        digest_time=workspace.digest_time,
        holidays=tuple(workspace.holidays),
    )


def executive(world: World) -> str:
    """The first executive of the plan: who subscribes the channel and runs the review."""
    people = world.workspace.people
    return next((p.slack_id for p in people if p.role == "executive"), people[0].slack_id)


def subscribe_leadership(world: World) -> str:
    """``/goal digest here`` in #leadership, typed by an executive; the bot's answer."""
    return ask_in(world, executive(world), "digest here", world.leadership)


def ask_in(world: World, user: str, text: str, channel: str) -> str:
    """Type ``/goal TEXT`` in a channel and wait for the bot's answer (shown to them only)."""
    before = len(world.slack.ephemerals(user=user))
    check_status(world.driver.slash(user, text, channel_id=channel).status, f"/goal {text}")
    answers = wait_for(lambda: world.slack.ephemerals(user=user)[before:], f"the answer to {text}")
    return str(answers[0].get("text", ""))


def review_opening(world: World, start: datetime) -> datetime:
    """When the bot opens the reviews of the quarter containing `start` by itself."""
    workspace = world.services.workspace.get(team_id=world.slack.team_id)
    quarter = quarter_of(start.date(), workspace.fiscal_year_start_month)
    return opening_instant(quarter, workspace)


def open_homes(world: World, users: list[str]) -> None:
    """A few people open App Home at the end, so the transcript shows what it looks like."""
    for user in users:
        try:
            _open_home(world, user)
        except AnswerFailed as exc:
            logger.warning("demo: %s", exc)


def _open_home(world: World, user: str) -> None:
    before = world.slack.home_view(user)
    check_status(world.driver.open_home(user).status, f"{user} opening App Home")
    wait_for(lambda: world.slack.home_view(user) != before, f"{user}'s App Home")

"""The journeys' world: the real ``goalbot serve`` subprocess, the Slack stand-in, the example
plan, and time the test moves (``goalbot serve --clock-url`` reads the stand-in's clock).

Each journey module shares one world (``world`` fixture): one serve process per module.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from bot.checkins.tick import TickReport
from devkit.demo import IMPORTED_AT, example_plan
from devkit.demo.answers import goal_labels
from devkit.demo.world import World, demo_world
from devkit.people import eventually
from storage.models import Person
from tests.handlers.harness import rendered as visible  # all of a message's text

PLAN = example_plan()
MAYA, DANIEL, PRIYA, LUKAS = "U0NW0001", "U0NW0002", "U0NW0003", "U0NW0004"
JORDAN, SOFIA, ETHAN, CLARA = "U0NW0006", "U0NW0007", "U0NW0008", "U0NW0009"
RAHUL, EMMA, AISHA, SAM = "U0NW0012", "U0NW0013", "U0NW0016", "U0NW0018"
JSON = dict[str, Any]


@contextmanager
def journey_world(workdir: Path) -> Iterator[World]:
    """The example plan imported on Sunday 3 January 2027, served by ``goalbot serve``."""
    with demo_world(PLAN, IMPORTED_AT, workdir) as world:
        yield world


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant in UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def tick_at(world: World, at: datetime) -> TickReport:
    """Move the clock to `at` and run the tick, as ``goalbot tick --at`` would."""
    world.move_to(at)
    return world.tick()


def ask(world: World, user: str, text: str, channel: str | None = None) -> str:
    """Type ``/goal TEXT`` (in the person's DM unless a channel is given); the visible answer."""
    before = len(world.slack.ephemerals(user=user))
    response = world.driver.slash(user, text, channel_id=channel)
    assert response.status == 200, response
    answers = eventually(lambda: world.slack.ephemerals(user=user)[before:], timeout=15)
    return visible(answers[0])


def labels_in_dm(world: World, user: str) -> dict[str, str]:
    """``{"G-12": title}`` for the goals the person's newest DM shows."""
    return goal_labels(world.slack.dm_messages(user)[-1])


def person(session: Session, slack_id: str) -> Person:
    """A person of the example plan, by Slack id."""
    return session.exec(select(Person).where(Person.slack_user_id == slack_id)).one()

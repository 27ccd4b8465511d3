"""Fixtures: a started stand-in on a frozen clock, a WebClient for it, and a few members."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient

from devkit.standin import SlackStandin, StandinClock

# Monday 4 January 2027, 09:00 UTC, as in the rest of the test suite.
START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def standin() -> Iterator[SlackStandin]:
    """A running stand-in whose clock moves only when a test advances it."""
    with SlackStandin(clock=StandinClock(START, speed=0)) as running:
        yield running


@pytest.fixture
def client(standin: SlackStandin) -> WebClient:
    """A real slack_sdk WebClient pointed at the stand-in."""
    return standin.client()


@pytest.fixture
def alice(standin: SlackStandin) -> str:
    """A member in Paris."""
    return standin.add_user(
        "alice", real_name="Alice Martin", email="alice@example.com", tz="Europe/Paris"
    )


@pytest.fixture
def bob(standin: SlackStandin) -> str:
    """A member in New York."""
    return standin.add_user("bob", real_name="Bob Stone", email="bob@example.com")


@pytest.fixture
def general(standin: SlackStandin, alice: str, bob: str) -> str:
    """A public channel with alice, bob and the bot."""
    return standin.add_channel("general", members=[alice, bob])

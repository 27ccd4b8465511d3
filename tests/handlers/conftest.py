"""A running goalbot with the standard org and goals, for Slack-surface tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.domain.clock import FixedClock
from tests.handlers.harness import Goals, Running, running_goalbot, seed_goals


@pytest.fixture
def run(sqlite_engine: Engine, clock: FixedClock) -> Iterator[Running]:
    """goalbot served over HTTP (waitress) against the Slack stand-in, on SQLite."""
    with running_goalbot(sqlite_engine, clock) as running:
        yield running


@pytest.fixture
def goals(run: Running) -> Goals:
    """The standard goals G-1 … G-4 in the running bot's database."""
    return seed_goals(run.engine, run.org)

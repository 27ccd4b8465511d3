"""What every ``goalbot`` command shares: settings and the database, loaded when first needed.

Only the composition root reads the environment; everything below it is handed its settings.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import cached_property, wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

import click
from sqlalchemy import Engine

from bot.config import MissingSetting, Settings, load_settings
from bot.domain.clock import Clock, ClockUnavailable, SystemClock, UrlClock
from bot.domain.errors import GoalbotError
from storage.db import make_engine, unit_of_work
from storage.repositories.workspaces import workspace_ids
from storage.schema import SchemaOutOfDate, ensure_schema

P = ParamSpec("P")
R = TypeVar("R")
logger = logging.getLogger(__name__)


class CliContext:
    """Settings and the database, loaded when a command first needs them."""

    def __init__(self, env_file: Path | None) -> None:
        self._env_file = env_file
        self.clock = SystemClock()

    @cached_property
    def settings(self) -> Settings:
        """The settings, read from the environment and .env."""
        return load_settings(self._env_file)

    @cached_property
    def raw_engine(self) -> Engine:
        """An engine on DATABASE_URL, schema not checked."""
        return make_engine(self.settings.database_url)

    @cached_property
    def engine(self) -> Engine:
        """An engine on DATABASE_URL whose schema is at head."""
        ensure_schema(self.raw_engine)
        return self.raw_engine

    @cached_property
    def team_id(self) -> str:
        """The workspace the CLI acts on: GOALBOT_TEAM_ID, else the only one in the database."""
        if self.explicit_team_id is not None:
            return self.explicit_team_id
        with unit_of_work(self.engine) as session:
            teams = workspace_ids(session=session)
        return teams[0] if len(teams) == 1 else self.settings.goalbot_team_id

    @property
    def explicit_team_id(self) -> str | None:
        """GOALBOT_TEAM_ID when it was set (environment or .env), else None."""
        settings = self.settings
        return settings.goalbot_team_id if "goalbot_team_id" in settings.model_fields_set else None


def fails_cleanly(func: Callable[P, R]) -> Callable[P, R]:
    """Turn expected errors into one line on stderr and exit code 2 (1 for refusals)."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (MissingSetting, SchemaOutOfDate) as exc:
            click.echo(f"goalbot: {exc}", err=True)
            sys.exit(2)
        except GoalbotError as exc:
            click.echo(f"goalbot: {exc.message}", err=True)
            sys.exit(1)

    return wrapper


def url_clock(url: str) -> Clock:
    """A clock reading the time from `url`, checked once now (a bad URL fails at start-up)."""
    try:
        clock = UrlClock(url)
        logger.warning("goalbot runs on the time told by %s, not the system clock", url)
        clock.now()
    except (ValueError, ClockUnavailable) as exc:
        raise click.BadParameter(str(exc), param_hint="--clock-url") from exc
    return clock

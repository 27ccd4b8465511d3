"""The ``goalbot`` command: administration of the database and the strategic plan.

Only this module (and ``handlers.cli``, which adds the Slack-serving commands) reads the
environment; everything else is handed its settings.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import cached_property, wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click
from sqlalchemy import Engine

from bot.clock import SystemClock
from bot.config import MissingSetting, Settings, load_settings
from bot.errors import GoalbotError
from bot.logs import configure_logging
from storage.db import make_engine
from storage.migrate import upgrade
from storage.schema import SchemaOutOfDate, current_revision, ensure_schema

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

    @property
    def team_id(self) -> str:
        """The workspace the CLI acts on."""
        return self.settings.goalbot_team_id


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--env-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Read settings from this file instead of ./.env.",
)
@click.pass_context
def cli(ctx: click.Context, env_file: Path | None) -> None:
    """goalbot: strategy execution in Slack. Goals, check-ins, digests and reviews."""
    ctx.obj = CliContext(env_file)
    try:
        configure_logging(ctx.obj.settings.log_level)
    except Exception as exc:  # noqa: BLE001  (a bad setting is reported, not a traceback)
        click.echo(f"goalbot: invalid settings: {exc}", err=True)
        sys.exit(2)


@cli.command()
@click.pass_obj
@fails_cleanly
def migrate(obj: CliContext) -> None:
    """Upgrade the database to the newest schema."""
    upgrade(obj.raw_engine)
    click.echo(f"database at revision {current_revision(obj.raw_engine)}")


def register(command: click.Command) -> click.Command:
    """Add a command defined elsewhere in bot/ or handlers/ to the group."""
    cli.add_command(command)
    return command


def main(argv: list[str] | None = None, **extra: Any) -> None:
    """Entry point of the ``goalbot`` console script."""
    cli.main(args=argv, prog_name="goalbot", **extra)

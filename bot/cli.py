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
from typing import Any, Literal, ParamSpec, TypeVar

import click
from sqlalchemy import Engine

from bot.clock import SystemClock
from bot.config import MissingSetting, Settings, load_settings
from bot.errors import GoalbotError
from bot.logs import configure_logging
from bot.plan import PlanErrors, export_plan, import_plan
from bot.services import build_services
from bot.services.goal_types import GoalSummary
from storage.db import make_engine, unit_of_work
from storage.migrate import upgrade
from storage.repositories.workspaces import workspace_ids
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


@cli.command()
@click.option("--unit", "unit_key", default=None, help="Only this unit's subtree (its key).")
@click.option("--period", default=None, help="A quarter like 2027-Q1 or a year like FY2027.")
@click.pass_obj
@fails_cleanly
def tree(obj: CliContext, unit_key: str | None, period: str | None) -> None:
    """Print the alignment tree: every open goal under its parent, with progress."""
    services = build_services(obj.engine, obj.clock)
    rows = services.goals.tree(obj.team_id, unit_key, period)
    if not rows:
        click.echo("No open goals yet: import a plan with `goalbot import PLAN.yaml`.")
        return
    for depth, goal in rows:
        click.echo(tree_line(depth, goal))
    click.echo(f"\n{len(rows)} goals")


def tree_line(depth: int, goal: GoalSummary) -> str:
    """One goal of the tree as a line of text."""
    share = goal.rolled_up if goal.rolled_up is not None else goal.progress
    progress = "  --" if share is None else f"{share:4.0%}"
    health = goal.computed_health.value.replace("_", " ") if goal.computed_health else "no data"
    stale = ", stale" if goal.stale else ""
    indent = "  " * depth
    return f"{progress}  {indent}{goal.label} {goal.title}  [{goal.owner_name}; {health}{stale}]"


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--team", "team_id", default=None, help="Workspace (default: the file's, or the only one)."
)
@click.pass_obj
@fails_cleanly
def import_(obj: CliContext, path: Path, team_id: str | None) -> None:
    """Load a strategic plan (YAML) or a goals table (CSV); nothing is written on any error."""
    try:
        result = import_plan(obj.engine, path, obj.clock, team_id or obj.explicit_team_id)
    except PlanErrors as problems:
        for problem in problems.errors:
            click.echo(str(problem), err=True)
        click.echo(f"{len(problems.errors)} problems; nothing was imported.", err=True)
        sys.exit(1)
    click.echo(
        result.summary() if result.changed else "Nothing changed: the plan is already loaded."
    )


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output).",
)
@click.option("--team", "team_id", default=None, help="Workspace (default: GOALBOT_TEAM_ID).")
@click.pass_obj
@fails_cleanly
def export(
    obj: CliContext, fmt: Literal["csv", "json"], output: Path | None, team_id: str | None
) -> None:
    """Write goals and their updates (and, as JSON, everything else) for a workspace."""
    team = team_id or obj.team_id
    if output is None:
        export_plan(obj.engine, team, fmt, sys.stdout)
        return
    with output.open("w", encoding="utf-8", newline="") as out:
        count = export_plan(obj.engine, team, fmt, out)
    click.echo(f"Wrote {count} goals to {output}.", err=True)

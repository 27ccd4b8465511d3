"""The commands that look after the database and the plan: migrate, import, export, tree."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

import click

from bot.application import build_services
from bot.domain.goals import GoalSummary
from bot.plan import PlanErrors, export_plan, import_plan
from goalbot.context import CliContext, fails_cleanly
from storage.migrate import upgrade
from storage.schema import current_revision


@click.command()
@click.pass_obj
@fails_cleanly
def migrate(obj: CliContext) -> None:
    """Upgrade the database to the newest schema."""
    upgrade(obj.raw_engine)
    click.echo(f"database at revision {current_revision(obj.raw_engine)}")


@click.command()
@click.option("--unit", "unit_key", default=None, help="Only this unit's subtree (its key).")
@click.option("--period", default=None, help="A quarter like 2027-Q1 or a year like FY2027.")
@click.pass_obj
@fails_cleanly
def tree(obj: CliContext, unit_key: str | None, period: str | None) -> None:
    """Print the alignment tree: every open goal under its parent, with progress."""
    services = build_services(obj.engine, obj.clock)
    rows = services.goals.tree(team_id=obj.team_id, unit_key=unit_key, period=period)
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


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--team",
    "team_id",
    default=None,
    help="Workspace (default: SLACK_BOT_TOKEN's, else GOALBOT_TEAM_ID, the file's, the only one).",
)
@click.pass_obj
@fails_cleanly
def import_(obj: CliContext, path: Path, team_id: str | None) -> None:
    """Load a strategic plan (YAML) or a goals table (CSV); nothing is written on any error."""

    def choose(from_file: str | None) -> str | None:
        return obj.import_team(team_id, from_file, str(path))

    try:
        result = import_plan(obj.engine, path, obj.clock, choose_team=choose)
    except PlanErrors as problems:
        for problem in problems.errors:
            click.echo(str(problem), err=True)
        click.echo(f"{len(problems.errors)} problems; nothing was imported.", err=True)
        sys.exit(1)
    click.echo(
        result.summary() if result.changed else "Nothing changed: the plan is already loaded."
    )


@click.command()
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
@click.option(
    "--team",
    "team_id",
    default=None,
    help="Workspace (default: SLACK_BOT_TOKEN's, else GOALBOT_TEAM_ID, else the only one).",
)
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

"""The ``goalbot`` console script: one command group, every command added here.

The commands live beside it (``goalbot.admin``: the database and the plan; ``goalbot.running``:
serving Slack and the tick). Commands of other installed packages join through the
``goalbot.commands`` entry-point group: that is how the sandbox's ``goalbot demo`` (``devkit``)
is offered without the product importing the sandbox.
"""

from __future__ import annotations

import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import click

from goalbot.admin import export, import_, migrate, tree
from goalbot.context import CliContext
from goalbot.logs import configure_logging
from goalbot.operating import status, worker
from goalbot.running import serve, sync_users, tick

PLUGIN_GROUP = "goalbot.commands"


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
        configure_logging(ctx.obj.settings.log_level, ctx.obj.settings.log_format)
    except Exception as exc:  # noqa: BLE001  (a bad setting is reported, not a traceback)
        click.echo(f"goalbot: invalid settings: {exc}", err=True)
        sys.exit(2)


for command in (migrate, import_, export, tree, serve, worker, status, tick, sync_users):
    cli.add_command(command)


def add_plugin_commands(group: click.Group) -> None:
    """Add the commands that installed packages offer under ``goalbot.commands``."""
    for entry in entry_points(group=PLUGIN_GROUP):
        command = entry.load()
        if isinstance(command, click.Command):
            group.add_command(command, entry.name)


def main(argv: list[str] | None = None, **extra: Any) -> None:
    """Entry point of the ``goalbot`` console script."""
    add_plugin_commands(cli)
    cli.main(args=argv, prog_name="goalbot", **extra)

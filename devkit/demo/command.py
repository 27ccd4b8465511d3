"""``goalbot demo``: offered to the ``goalbot`` command through the ``goalbot.commands``
entry point (``pyproject.toml``), so that the product never imports the sandbox."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from devkit.demo import example_plan, run_demo
from goalbot.context import CliContext, fails_cleanly


@click.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("goalbot-transcript.html"),
    show_default=True,
    help="Where to write the HTML transcript.",
)
@click.option(
    "--plan",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The strategic plan to play (default: examples/plan.yaml).",
)
@click.option(
    "--weeks",
    type=click.IntRange(1, 13),
    default=13,
    show_default=True,
    help="Weeks of the quarter to play before the review.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Varies the people's answers.")
@click.pass_obj
@fails_cleanly
def demo(obj: CliContext, output: Path, plan: Path | None, weeks: int, seed: int) -> None:
    """Play a quarter against a local Slack stand-in (no Slack, no setup); write a transcript."""
    if obj.settings.log_level != "DEBUG":  # the progress lines are the output, not INFO logs
        logging.getLogger().setLevel(logging.WARNING)
    plan = plan or example_plan()
    result = run_demo(plan, output, weeks=weeks, seed=seed, say=click.echo)
    for line in result.summary:
        click.echo(line)
    click.echo(f"Transcript: {result.transcript.resolve()}  ({result.seconds:.0f} s)")

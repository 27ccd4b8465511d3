"""The ``goalbot`` console script: the core commands plus the ones that talk to Slack."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import click

from bot.checkins.pacing import per_minute
from bot.checkins.planning import preview_checkins
from bot.checkins.reports import plan_lines
from bot.cli import CliContext, cli, fails_cleanly
from bot.cli import main as core_main
from bot.clock import Clock, ClockUnavailable, FixedClock, UrlClock
from bot.digest.planning import digest_plan_lines, preview_digests
from bot.scheduler import start_scheduler
from bot.services import build_services
from bot.services.people import workspace_defaults
from handlers.app import create_app
from handlers.demo import example_plan, run_demo
from handlers.events.people import sync_people
from handlers.serve import finish_acked_work, http_server, serve_socket_mode, stop_on_sigterm
from handlers.slack_client import make_web_client
from handlers.ticking import digest_summary, make_tick

logger = logging.getLogger(__name__)


@cli.command()
@click.option(
    "--socket/--http",
    "socket_mode",
    default=None,
    help="Socket Mode or HTTP mode (default: Socket Mode when SLACK_APP_TOKEN is set).",
)
@click.option("--host", default="0.0.0.0", show_default=True, help="HTTP mode: address to bind.")
@click.option("--port", type=int, default=None, help="HTTP mode: port (default: PORT, 3000).")
@click.option(
    "--scheduler/--no-scheduler",
    default=True,
    show_default=True,
    help="Run the check-in tick every 30 s (--no-scheduler: `goalbot tick` drives it, e.g. cron).",
)
@click.option(
    "--clock-url",
    default=None,
    metavar="URL",
    help='Demo and tests only: read the time from URL (JSON {"time": epoch seconds}, e.g. the '
    "Slack stand-in's /clock) instead of the system clock.",
)
@click.pass_obj
@fails_cleanly
def serve(
    obj: CliContext,
    socket_mode: bool | None,
    host: str,
    port: int | None,
    scheduler: bool,
    clock_url: str | None,
) -> None:
    """Run the Slack app: /goal, buttons, modals, App Home and DMs."""
    settings = obj.settings
    if socket_mode is None:
        socket_mode = settings.slack_app_token is not None
    app_token = settings.require("SLACK_APP_TOKEN", "run in Socket Mode") if socket_mode else ""
    clock = url_clock(clock_url) if clock_url else obj.clock
    services = build_services(obj.engine, clock, workspace_defaults(settings))
    client = make_web_client(settings)
    app = create_app(settings, services, client, socket_mode=socket_mode)
    ticking = None
    if scheduler:
        pacer = per_minute(settings.goalbot_send_per_minute)
        ticking = start_scheduler(make_tick(obj.engine, clock, services, client, pacer=pacer))
    stop_on_sigterm()
    try:
        if socket_mode:
            serve_socket_mode(app, app_token)
        else:
            server = http_server(app, obj.engine, host=host, port=port or settings.port)
            logger.info(
                "goalbot serving HTTP on %s:%s (/slack/events, /healthz)",
                host,
                port or settings.port,
            )
            server.run()  # returns on SIGTERM or Ctrl-C, once requests in progress are answered
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        if ticking is not None:
            ticking.shutdown(wait=False)  # a tick cut short is resumed by the next (leases)
        finish_acked_work()


@cli.command()
@click.option(
    "--at",
    "at",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S"]),
    default=None,
    help="Run as if it were this instant (ISO-8601; UTC when no offset is given).",
)
@click.option("--dry-run", is_flag=True, help="Print what is due and send nothing.")
@click.pass_obj
@fails_cleanly
def tick(obj: CliContext, at: datetime | None, dry_run: bool) -> None:
    """Run the check-in and digest tick once: for cron, catch-up after downtime, or a preview."""
    clock = FixedClock(at if at.tzinfo else at.replace(tzinfo=UTC)) if at else obj.clock
    if dry_run:
        for line in plan_lines(preview_checkins(obj.engine, clock)):
            click.echo(line)
        for line in digest_plan_lines(preview_digests(obj.engine, clock)):
            click.echo(line)
        return
    services = build_services(obj.engine, clock, workspace_defaults(obj.settings))
    pacer = per_minute(obj.settings.goalbot_send_per_minute)
    client = make_web_client(obj.settings)
    report = make_tick(obj.engine, clock, services, client, pacer=pacer)()
    click.echo(
        f"planned {report.plan.planned}, skipped {report.plan.skipped}, "
        f"sent {report.send.sent}, delivered {report.send.delivered}"
    )
    click.echo(digest_summary(report.digests))


def url_clock(url: str) -> Clock:
    """A clock reading the time from `url`, checked once now (a bad URL fails at start-up)."""
    try:
        clock = UrlClock(url)
        logger.warning("goalbot runs on the time told by %s, not the system clock", url)
        clock.now()
    except (ValueError, ClockUnavailable) as exc:
        raise click.BadParameter(str(exc), param_hint="--clock-url") from exc
    return clock


@cli.command("sync-users")
@click.pass_obj
@fails_cleanly
def sync_users(obj: CliContext) -> None:
    """Refresh people's names, emails and time zones from Slack (users.list)."""
    client = make_web_client(obj.settings)
    services = build_services(obj.engine, obj.clock, workspace_defaults(obj.settings))
    count = sync_people(services, client)
    click.echo(f"synced {count} people")


@cli.command()
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


def main() -> None:
    """Entry point of the ``goalbot`` console script."""
    core_main()

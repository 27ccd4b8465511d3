"""The ``goalbot`` console script: the core commands plus the ones that talk to Slack."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import click

from bot.checkins.planning import preview_checkins
from bot.checkins.reports import plan_lines
from bot.cli import CliContext, cli, fails_cleanly
from bot.cli import main as core_main
from bot.clock import FixedClock
from bot.scheduler import start_scheduler
from bot.services import build_services
from bot.services.people import workspace_defaults
from handlers.app import create_app
from handlers.events.people import sync_people
from handlers.serve import http_server, socket_mode_handler
from handlers.slack_client import make_web_client
from handlers.ticking import make_tick

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
@click.pass_obj
@fails_cleanly
def serve(obj: CliContext, socket_mode: bool | None, host: str, port: int | None) -> None:
    """Run the Slack app: /goal, buttons, modals, App Home and DMs."""
    settings = obj.settings
    if socket_mode is None:
        socket_mode = settings.slack_app_token is not None
    app_token = settings.require("SLACK_APP_TOKEN", "run in Socket Mode") if socket_mode else ""
    services = build_services(obj.engine, obj.clock, workspace_defaults(settings))
    client = make_web_client(settings)
    app = create_app(settings, services, client, socket_mode=socket_mode)
    start_scheduler(make_tick(obj.engine, obj.clock, services, client))
    if socket_mode:
        logger.info("goalbot serving in Socket Mode")
        socket_mode_handler(app, app_token).start()  # type: ignore[no-untyped-call]
        return
    server = http_server(app, obj.engine, host=host, port=port or settings.port)
    logger.info(
        "goalbot serving HTTP on %s:%s (/slack/events, /healthz)", host, port or settings.port
    )
    server.run()


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
    """Run the check-in tick once: for cron, catch-up after downtime, or a preview."""
    clock = FixedClock(at if at.tzinfo else at.replace(tzinfo=UTC)) if at else obj.clock
    if dry_run:
        for line in plan_lines(preview_checkins(obj.engine, clock)):
            click.echo(line)
        return
    services = build_services(obj.engine, clock, workspace_defaults(obj.settings))
    report = make_tick(obj.engine, clock, services, make_web_client(obj.settings))()
    click.echo(
        f"planned {report.plan.planned}, skipped {report.plan.skipped}, "
        f"sent {report.send.sent}, delivered {report.send.delivered}"
    )


@cli.command("sync-users")
@click.pass_obj
@fails_cleanly
def sync_users(obj: CliContext) -> None:
    """Refresh people's names, emails and time zones from Slack (users.list)."""
    client = make_web_client(obj.settings)
    services = build_services(obj.engine, obj.clock, workspace_defaults(obj.settings))
    count = sync_people(services, client)
    click.echo(f"synced {count} people")


def main() -> None:
    """Entry point of the ``goalbot`` console script."""
    core_main()

"""The commands that talk to Slack: serve, tick and sync-users."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import click
from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient

from bot.application import Services, build_services
from bot.checkins.planning import preview_checkins
from bot.checkins.reports import plan_lines
from bot.digest.planning import digest_plan_lines, preview_digests
from bot.domain.clock import FixedClock
from bot.services.people import workspace_defaults
from goalbot.context import CliContext, SlackUnreachable, fails_cleanly, url_clock
from goalbot.health import SLACK_CHECK_SECONDS, Check, EverySoOften, Readiness
from goalbot.interval import start_scheduler
from goalbot.metrics import watch_backlog
from goalbot.serve import (
    GoalbotWsgi,
    finish_acked_work,
    http_server,
    serve_socket_mode,
    stop_on_sigterm,
)
from goalbot.slack_client import make_web_client
from goalbot.tick import digest_summary, make_pacer, make_tick
from goalbot.worker import Heartbeat, InboxWorker
from handlers.app import create_app
from handlers.events.people import sync_people

logger = logging.getLogger(__name__)


@click.command()
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
    "--work/--no-work",
    default=True,
    show_default=True,
    help="Do the work of acknowledged requests in this process (--no-work: store them for "
    "`goalbot worker` processes).",
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
    work: bool,
    clock_url: str | None,
) -> None:
    """Run the Slack app: /goal, buttons, modals, App Home and DMs."""
    settings = obj.settings
    if socket_mode is None:
        socket_mode = settings.slack_app_token is not None
    app_token = settings.require("SLACK_APP_TOKEN", "run in Socket Mode") if socket_mode else ""
    clock = url_clock(clock_url) if clock_url else obj.clock
    inbox_wait = timedelta(seconds=settings.goalbot_inbox_wait_seconds)
    services = build_services(
        obj.engine, clock, workspace_defaults(settings), inbox_wait=inbox_wait
    )
    pacer = make_pacer(obj.engine, settings.goalbot_send_per_minute)
    client = make_web_client(settings, on_post_rate_limited=pacer.pause)
    learn_workspace(obj, services)
    app = create_app(settings, services, client, socket_mode=socket_mode, work_in_process=work)
    heartbeat = Heartbeat(services.inbox).start()  # this process's requests stay its own
    inbox = InboxWorker(app, services.inbox).start() if work else None  # and what others left
    ticking = None
    if scheduler:
        ticking = start_scheduler(make_tick(obj.engine, clock, services, client, pacer=pacer))
    readiness = Readiness(obj.engine, readiness_checks(client, ticking))
    watch_backlog(obj.engine, clock.now)
    port = port or settings.port
    stop_on_sigterm()
    try:
        if socket_mode:
            serve_socket_mode(app, app_token, readiness, host=host, port=port)
        else:
            server = http_server(GoalbotWsgi(app, readiness), host=host, port=port)
            logger.info(
                "goalbot serving HTTP on %s:%s (/slack/events, /healthz, /readyz, /metrics)",
                host,
                port,
            )
            server.run()  # returns on SIGTERM or Ctrl-C, once requests in progress are answered
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        if inbox is not None:
            inbox.stop()
        if ticking is not None:
            ticking.shutdown(wait=False)  # a tick cut short is resumed by the next (leases)
        finish_acked_work()
        heartbeat.stop()


@click.command()
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
    pacer = make_pacer(obj.engine, obj.settings.goalbot_send_per_minute)
    client = make_web_client(obj.settings, on_post_rate_limited=pacer.pause)
    warn_if_elsewhere(obj)
    report = make_tick(obj.engine, clock, services, client, pacer=pacer)()
    click.echo(
        f"planned {report.plan.planned}, skipped {report.plan.skipped}, "
        f"sent {report.send.sent}, delivered {report.send.delivered}"
    )
    click.echo(digest_summary(report.digests))


@click.command("sync-users")
@click.pass_obj
@fails_cleanly
def sync_users(obj: CliContext) -> None:
    """Refresh people's names, emails and time zones from Slack (users.list)."""
    client = make_web_client(obj.settings)
    services = build_services(obj.engine, obj.clock, workspace_defaults(obj.settings))
    count = sync_people(services, client)
    click.echo(f"synced {count} people")


def learn_workspace(obj: CliContext, services: Services) -> None:
    """serve: learn the token's workspace from ``auth.test`` and record it (so the CLI knows it
    too); a refused token stops serve (exit 2), an unreachable Slack is only logged (``/readyz``
    says so until it answers)."""
    try:
        team = obj.token_team
    except SlackUnreachable as exc:
        logger.warning("%s; serving anyway", exc)
        return
    if team is None:
        return
    warn_if_elsewhere(obj)
    services.people.ensure_workspace(team_id=team.id)
    logger.info("goalbot serves workspace %s", team)


def warn_if_elsewhere(obj: CliContext) -> None:
    """Log a warning when the database holds workspaces, none of them the token's: the plan
    was imported into a workspace Slack's requests never name."""
    try:
        team = obj.token_team
    except SlackUnreachable:
        return  # said once already, or the tick's first post will say it
    known = obj.known_team_ids
    if team is not None and known and team.id not in known:
        logger.warning(
            "SLACK_BOT_TOKEN is for workspace %s, but the database holds only %s: their "
            "check-ins, digests and reviews go out with this token. Was the plan imported into "
            "the wrong workspace? (`goalbot import --team %s PLAN.yaml`)",
            team,
            ", ".join(known),
            team.id,
        )


def readiness_checks(client: WebClient, ticking: BackgroundScheduler | None) -> dict[str, Check]:
    """What ``/readyz`` checks beside the database: Slack takes the token, the tick runs."""
    checks: dict[str, Check] = {
        "slack": EverySoOften(lambda: bool(client.auth_test().get("ok")), SLACK_CHECK_SECONDS)
    }
    if ticking is not None:
        checks["scheduler"] = lambda: bool(ticking.running)
    return checks

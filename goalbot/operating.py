"""The commands that run and watch the inbox: ``goalbot worker`` and ``goalbot status``."""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta

import click

from bot.application import build_services
from bot.services.people import workspace_defaults
from goalbot.context import CliContext, fails_cleanly
from goalbot.serve import finish_acked_work, stop_on_sigterm
from goalbot.slack_client import make_web_client
from goalbot.worker import POLL_SECONDS, Heartbeat, InboxWorker
from handlers.app import create_app
from storage.repositories.inbox import Backlog
from storage.repositories.leases import OutboxState

logger = logging.getLogger(__name__)

WORKER_NICENESS = 10


@click.command()
@click.option(
    "--poll",
    type=click.FloatRange(0.05, 60),
    default=POLL_SECONDS,
    show_default=True,
    help="Seconds between looks at the inbox when it is empty.",
)
@click.option(
    "--nice",
    "niceness",
    type=click.IntRange(0, 19),
    default=WORKER_NICENESS,
    show_default=True,
    help="Run at this much lower a CPU priority, so that a serving process on the same machine "
    "acks first (Slack waits 3 s for an ack, nobody for the work); 0: as started.",
)
@click.pass_obj
@fails_cleanly
def worker(obj: CliContext, poll: float, niceness: int) -> None:
    """Do the work of the requests `goalbot serve --no-work` stored, until stopped."""
    if niceness:
        os.nice(niceness)
    settings = obj.settings
    inbox_wait = timedelta(seconds=settings.goalbot_inbox_wait_seconds)
    services = build_services(
        obj.engine, obj.clock, workspace_defaults(settings), inbox_wait=inbox_wait
    )
    client = make_web_client(settings)
    # The stored requests were verified when they arrived: no signing secret is needed here.
    app = create_app(settings, services, client, socket_mode=True)
    stop_on_sigterm()
    logger.info("goalbot worker: doing the work of stored requests")
    heartbeat = Heartbeat(services.inbox).start()
    inbox = InboxWorker(app, services.inbox)
    try:
        inbox.run(poll=poll)
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        finish_acked_work()
        heartbeat.stop()


@click.command()
@click.pass_obj
@fails_cleanly
def status(obj: CliContext) -> None:
    """Show the inbox (waiting, being worked on, parked) and each outbox (due, leased, failed)."""
    services = build_services(obj.engine, obj.clock)
    now = obj.clock.now()
    backlog = services.inbox.backlog()
    for line in inbox_lines(backlog, now, heavy=services.inbox.is_heavy(backlog)):
        click.echo(line)
    for line in outbox_lines(services.inbox.outboxes()):
        click.echo(line)


def inbox_lines(backlog: Backlog, now: datetime, *, heavy: bool) -> list[str]:
    """The inbox as lines of text."""
    oldest = "" if backlog.oldest is None else f", the oldest since {_ago(now, backlog.oldest)}"
    lines = [
        f"inbox: {backlog.waiting} waiting, {backlog.working} being worked on{oldest}"
        + ("  (backlog: start more workers)" if heavy else "")
    ]
    if backlog.parked:
        lines.append(f"parked ({len(backlog.parked)}, newest first):")
        lines += [
            f"  #{p.id} {p.kind} from {p.team_id}, {p.due_at:%Y-%m-%d %H:%M:%S}Z, "
            f"{p.attempts} attempts: {p.error}"
            for p in backlog.parked
        ]
    return lines


def outbox_lines(states: list[OutboxState]) -> list[str]:
    """Each outbox as a line of text."""
    width = max((len(state.table) for state in states), default=0)
    return ["outboxes:"] + [
        f"  {state.table:<{width}}  due {state.due}, leased {state.leased}, failed {state.failed}"
        for state in states
    ]


def _ago(now: datetime, then: datetime) -> str:
    seconds = max(0, int((now - then).total_seconds()))
    return f"{seconds} s ago" if seconds < 120 else f"{seconds // 60} min ago"

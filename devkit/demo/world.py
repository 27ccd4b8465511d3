"""The demo's world: a Slack stand-in for the plan, a temporary SQLite database, the real
``goalbot serve`` as a subprocess, and the tick, all on one clock the demo moves.

Time: the stand-in's clock is frozen (speed 0) and only the demo moves it. ``goalbot serve``
reads it through ``--clock-url`` (the stand-in's ``/clock``), so whatever its handlers record
(updates, answers, subscriptions) carries demo time; it runs ``--no-scheduler`` and the demo
runs the same tick ``goalbot tick`` runs, in this process, at the instants the bot's schedule
says something is due. Pacing (5 posts a second) is kept, on the demo's clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from bot.application import Services, build_services
from bot.config import Settings
from bot.delivery.pacing import TokenBucket
from bot.plan import import_plan
from bot.services.people import workspace_defaults
from devkit.demo.process import serve_goalbot
from devkit.people import SlackDriver
from devkit.standin import SlackStandin, StandinClock
from devkit.standin.plan import PlanWorkspace, read_plan, standin_for_plan
from goalbot.slack_client import make_web_client
from goalbot.tick import FullTickReport, make_tick
from storage.db import make_engine
from storage.schema import ensure_schema

SIGNING_SECRET = "goalbot-demo-signing-secret"
MIN_WAIT = 0.001
LEADERSHIP_ROLES = frozenset({"executive", "admin"})


@dataclass
class World:
    """Everything the demo plays with."""

    slack: SlackStandin
    clock: StandinClock
    engine: Engine
    services: Services
    driver: SlackDriver
    tick: Callable[[], FullTickReport]
    workspace: PlanWorkspace
    leadership: str  # the leadership channel's id

    def move_to(self, at: datetime) -> None:
        """Move the shared clock forward to `at` (never back)."""
        ahead = (at - self.clock.now()).total_seconds()
        if ahead > 0:
            self.clock.advance(ahead)


@contextmanager
def demo_world(plan: Path, start: datetime, workdir: Path) -> Iterator[World]:
    """Import the plan at `start`, then run the stand-in and ``goalbot serve`` until exit."""
    clock = StandinClock(start, speed=0)
    db_url = f"sqlite:///{workdir / 'goalbot.db'}"
    engine = make_engine(db_url)
    try:
        ensure_schema(engine)
        import_plan(engine, plan, clock)
        workspace = read_plan(plan)
        with standin_for_plan(plan, clock=clock) as slack:
            leadership = slack.add_channel("leadership", members=_leaders(workspace))
            args = ["--no-scheduler", "--clock-url", slack.url + "clock"]
            log = workdir / "serve.log"
            with serve_goalbot(
                db_url, slack, signing_secret=SIGNING_SECRET, extra_args=args, log_file=log
            ) as bot_url:
                yield _world(slack, clock, engine, workspace, leadership, bot_url)
    finally:
        engine.dispose()


def _world(
    slack: SlackStandin,
    clock: StandinClock,
    engine: Engine,
    workspace: PlanWorkspace,
    leadership: str,
    bot_url: str,
) -> World:
    settings = Settings(
        _env_file=None,
        slack_bot_token=slack.token,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.api_url,
    )
    services = build_services(engine, clock, workspace_defaults(settings))
    pacer = TokenBucket(monotonic=clock.time, sleep=lambda seconds: _wait(clock, seconds))
    tick = make_tick(engine, clock, services, make_web_client(settings), pacer=pacer)
    driver = SlackDriver(slack, bot_url, SIGNING_SECRET)
    return World(slack, clock, engine, services, driver, tick, workspace, leadership)


def _leaders(workspace: PlanWorkspace) -> list[str]:
    """Executives, admins and every unit's lead, in plan order."""
    leads = {slack_id for _, slack_id in workspace.unit_leads}
    return [
        p.slack_id for p in workspace.people if p.role in LEADERSHIP_ROLES or p.slack_id in leads
    ]


def _wait(clock: StandinClock, seconds: float) -> None:
    """The pacer's sleep, on the demo's clock: at least a millisecond, so that a wait shorter
    than the clock's float resolution (around 2e-7 s in 2027) still moves it."""
    clock.advance(max(seconds, MIN_WAIT))

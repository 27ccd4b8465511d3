"""goalbot served exactly as ``goalbot serve`` serves it, against the Slack stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine

from bot.application import Services, build_services
from bot.config import Settings
from bot.domain.clock import Clock
from devkit.people import SlackDriver, eventually
from devkit.standin import SlackStandin
from devkit.standin.state import Identity
from goalbot.health import Readiness
from goalbot.serve import BackgroundServer, GoalbotWsgi
from goalbot.slack_client import make_web_client
from handlers.app import create_app
from storage.db import unit_of_work
from tests.factories import TEAM, Org, make_csf, make_goal, make_org

SIGNING_SECRET = "test-signing-secret"


@dataclass
class Running:
    """A running bot, the stand-in it talks to, and a driver acting as Slack's clients."""

    slack: SlackStandin
    driver: SlackDriver
    services: Services
    engine: Engine
    org: Org
    url: str


def settings_for(slack: SlackStandin) -> Settings:
    """Settings pointing the bot at the stand-in."""
    return Settings(
        _env_file=None,
        slack_bot_token=slack.token,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.api_url,
    )


@contextmanager
def running_goalbot(engine: Engine, clock: Clock) -> Iterator[Running]:
    """Start the stand-in and goalbot's HTTP server (waitress) on free ports; stop both after."""
    with unit_of_work(engine) as session:
        org = make_org(session, TEAM)
    with SlackStandin(identity=replace(Identity(), team_id=TEAM)) as slack:
        for person in (
            org.admin,
            org.executive,
            org.sales_lead,
            org.emea_lead,
            org.rep,
            org.marketer,
        ):
            slack.add_user(
                person.name.split()[0].lower(), user_id=person.slack_user_id, real_name=person.name
            )
        settings = settings_for(slack)
        services = build_services(engine, clock)
        app = create_app(settings, services, make_web_client(settings))
        with BackgroundServer(GoalbotWsgi(app, Readiness(engine))) as server:
            driver = SlackDriver(slack, server.url, SIGNING_SECRET)
            yield Running(slack, driver, services, engine, org, server.url)


@dataclass(frozen=True)
class Goals:
    """The goals every Slack-surface test starts with (numbers G-1 … G-4)."""

    company: int = 1  # Eve Exec, FY2027, revenue 10 → 20
    sales: int = 2  # Dana Lee, aligned to G-1
    emea: int = 3  # Rob Rep, aligned to G-2
    marketing: int = 4  # Mia Mark, aligned to G-1


def seed_goals(engine: Engine, org: Org) -> Goals:
    """Create the standard goals and one Sales CSF."""
    with unit_of_work(engine) as session:
        make_csf(session, org.sales, "Win mid-market deals")
        top = make_goal(
            session,
            org.executive,
            org.company,
            title="Grow revenue",
            number=1,
            period="FY2027",
            metric_name="ARR",
            metric_unit="M$",
            baseline=10.0,
            target=20.0,
        )
        sales = make_goal(
            session,
            org.sales_lead,
            org.sales,
            title="Close 100 deals",
            number=2,
            parent=top,
            metric_name="deals",
            baseline=0.0,
            target=100.0,
        )
        make_goal(
            session,
            org.rep,
            org.emea,
            title="Close 50 EMEA deals",
            number=3,
            parent=sales,
            metric_name="deals",
            baseline=0.0,
            target=50.0,
        )
        make_goal(
            session, org.marketer, org.marketing, title="Launch the brand", number=4, parent=top
        )
    return Goals()


def rendered(message: dict[str, Any]) -> str:
    """All the visible text of a message or view: its text and every text in its blocks."""
    parts = [str(message.get("text", ""))]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks", []))
    return "\n".join(parts)


def ask(run: Running, user_id: str, text: str) -> str:
    """Type ``/goal TEXT`` and return the visible text of the ephemeral answer."""
    before = len(run.slack.ephemerals(user=user_id))
    response = run.driver.slash(user_id, text)
    assert response.status == 200, response
    answer = eventually(lambda: run.slack.ephemerals(user=user_id)[before:])
    return rendered(answer[0])

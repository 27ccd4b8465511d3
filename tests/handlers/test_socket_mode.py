"""Socket Mode: the same app behind ``SocketModeHandler``, fed Slack's envelopes.

Slack delivers Socket Mode requests as envelopes over a WebSocket and expects each envelope id
echoed back within 3 s. These tests hand the envelopes to the handler ``goalbot serve --socket``
uses (``goalbot.serve.socket_mode_handler``) in place of the WebSocket, with the Web API stand-in
behind the bot's client, and check the acknowledgement and the work done after it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from sqlalchemy import Engine
from sqlmodel import select

from bot.application import build_services
from bot.config import Settings
from bot.domain.clock import Clock
from devkit.people import eventually
from devkit.standin import SlackStandin
from devkit.standin.state import Identity
from goalbot.serve import socket_mode_handler
from goalbot.slack_client import make_web_client
from handlers.app import create_app
from storage.db import unit_of_work
from storage.models import GoalUpdate
from tests.factories import TEAM, Org, make_org
from tests.handlers.harness import rendered, seed_goals


@dataclass
class Socket:
    """Stands in for the WebSocket: records the envelope acknowledgements sent back."""

    sent: list[SocketModeResponse] = field(default_factory=list)
    logger: Any = None

    def send_socket_mode_response(self, response: SocketModeResponse) -> None:
        self.sent.append(response)


@dataclass
class SocketBot:
    slack: SlackStandin
    org: Org
    engine: Engine
    socket: Socket
    handler: Any = None

    def deliver(self, kind: str, payload: dict[str, Any], *, retry: int | None = None) -> str:
        """Hand one envelope to the handler, as the WebSocket would; returns its id."""
        envelope_id = str(uuid.uuid4())
        request = SocketModeRequest(
            type=kind, envelope_id=envelope_id, payload=payload, retry_attempt=retry
        )
        self.handler.handle(self.socket, request)
        return envelope_id


@pytest.fixture
def bot(engine: Engine, clock: Clock) -> Iterator[SocketBot]:
    with unit_of_work(engine) as session:
        org = make_org(session, TEAM)
    seed_goals(engine, org)
    with SlackStandin(identity=replace(Identity(), team_id=TEAM)) as slack:
        for person in (org.executive, org.rep):
            slack.add_user(person.name.split()[0].lower(), user_id=person.slack_user_id)
        settings = Settings(
            _env_file=None,
            slack_bot_token=slack.token,
            slack_app_token="xapp-1-test",
            slack_api_url=slack.api_url,
        )
        app = create_app(
            settings, build_services(engine, clock), make_web_client(settings), socket_mode=True
        )
        running = SocketBot(slack, org, engine, Socket())
        running.handler = socket_mode_handler(app, "xapp-1-test")
        running.socket.logger = running.handler.client.logger
        yield running


def test_a_slash_command_is_acknowledged_and_answered(bot: SocketBot) -> None:
    rep = bot.org.rep.slack_user_id
    channel = bot.slack.dm_channel(rep)
    envelope = bot.deliver(
        "slash_commands",
        {
            "team_id": TEAM,
            "channel_id": channel,
            "user_id": rep,
            "command": "/goal",
            "text": "list",
            "response_url": bot.slack.new_response_url(channel, rep),
            "trigger_id": bot.slack.issue_trigger_id(rep),
        },
    )
    assert [response.envelope_id for response in bot.socket.sent] == [envelope]
    answer = eventually(lambda: bot.slack.ephemerals(user=rep))
    assert "Close 50 EMEA deals" in rendered(answer[0])


def test_a_dm_event_records_an_update_once_even_when_retried(bot: SocketBot) -> None:
    rep = bot.org.rep.slack_user_id
    channel = bot.slack.dm_channel(rep)
    payload = {
        "team_id": TEAM,
        "type": "event_callback",
        "event_id": "Ev0SOCKET01",
        "event": {
            "type": "message",
            "channel_type": "im",
            "channel": channel,
            "user": rep,
            "text": "G-3 12 on track",
            "ts": "1798970400.000100",
        },
    }
    bot.deliver("events_api", payload)
    bot.deliver("events_api", payload, retry=1)
    assert len(bot.socket.sent) == 2
    confirmation = eventually(lambda: [m for m in bot.slack.dm_messages(rep) if m.get("bot_id")])
    assert "G-3" in rendered(confirmation[0])
    with unit_of_work(bot.engine) as session:
        assert [update.value for update in session.exec(select(GoalUpdate))] == [12.0]

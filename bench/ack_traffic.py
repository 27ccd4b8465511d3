"""The Slack traffic of the ack benchmark: signed request bodies, and the clients sending them.

``Requests`` builds what Slack posts for ``/goal`` commands and App Home button clicks (fresh
trigger ids and response URLs from the stand-in); ``Clients`` sends them in bursts from one
thread and keep-alive connection per request, all released at the same instant.
"""

from __future__ import annotations

import functools
import http.client
import json
import math
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from slack_sdk.signature import SignatureVerifier

from bench.common import SIGNING_SECRET
from bot.blocks import ids
from devkit.people import APP_ID, eventually
from devkit.standin import SlackStandin
from devkit.standin.forms import find_button

EVENTS_PATH = "/slack/events"
REQUEST_TIMEOUT = 30.0

JSON = dict[str, Any]


# --- what is sent ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of request: how to build it and which stand-in call marks its work done."""

    key: str
    label: str
    follow_up: str  # the stand-in method the bot calls once per request, after the ack
    build: Callable[[Requests, str], str]


class Requests:
    """Slack's request bodies for the plan's people, with fresh trigger ids and response URLs."""

    def __init__(self, slack: SlackStandin) -> None:
        self.slack = slack
        self._homes: dict[str, JSON] = {}

    def load_homes(self, users: Sequence[str]) -> None:
        """Keep every person's App Home (published by the bot) to click its buttons."""
        for user in users:
            self._homes[user] = eventually(functools.partial(self.slack.home_view, user))

    def slash(self, user: str, text: str) -> str:
        """``/goal TEXT`` typed in the person's DM with the bot."""
        channel = self.slack.dm_channel(user)
        fields = {
            "token": "unused",
            "team_id": self.slack.team_id,
            "team_domain": "northwind",
            "channel_id": channel,
            "channel_name": "directmessage",
            "user_id": user,
            "user_name": user.lower(),
            "command": ids.GOAL_COMMAND,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": self.slack.new_response_url(channel, user),
            "trigger_id": self.slack.issue_trigger_id(user),
        }
        return urllib.parse.urlencode(fields)

    def home_click(self, user: str, label: str, action_id: str) -> str:
        """A click on the person's App Home button `label` (``action_id``), as Slack posts it.

        "Check in now" only shows while a check-in is pending, which a freshly imported plan
        has none of: a button not on the Home is sent from the Home's actions block as it
        would be shown.
        """
        view = self._homes[user]
        block, button = _home_button(view, label, action_id)
        action = {
            "type": "button",
            "action_id": button["action_id"],
            "block_id": block.get("block_id", ""),
            "text": button.get("text"),
            "value": button.get("value", ""),
            "action_ts": f"{time.time():.6f}",
        }
        if "style" in button:
            action["style"] = button["style"]
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": self.slack.team_id},
            "api_app_id": APP_ID,
            "token": "unused",
            "container": {"type": "view", "view_id": view.get("id", "")},
            "trigger_id": self.slack.issue_trigger_id(user),
            "team": {"id": self.slack.team_id, "domain": "northwind"},
            "is_enterprise_install": False,
            "view": view,
            "actions": [action],
        }
        return urllib.parse.urlencode({"payload": json.dumps(payload)})


def _home_button(view: JSON, label: str, action_id: str) -> tuple[JSON, JSON]:
    blocks: list[JSON] = view.get("blocks", [])
    try:
        found: tuple[JSON, JSON] = find_button(blocks, label)
        return found
    except LookupError:
        block = next(b for b in blocks if b.get("block_id") == ids.HOME_ACTIONS)
        text = {"type": "plain_text", "text": label, "emoji": True}
        return block, {"type": "button", "action_id": action_id, "text": text}


KINDS: tuple[Kind, ...] = (
    Kind("goal-list", "/goal list", "response_url", lambda r, u: r.slash(u, "list")),
    Kind(
        "goal-list-company",
        "/goal list company",
        "response_url",
        lambda r, u: r.slash(u, "list company"),
    ),
    Kind(
        "button-new-goal",
        "button: New goal (Home)",
        "views.open",
        lambda r, u: r.home_click(u, "New goal", ids.HOME_NEW_GOAL),
    ),
    Kind(
        "button-check-in",
        "button: Check in now (Home)",
        "views.open",
        lambda r, u: r.home_click(u, "Check in now", ids.OPEN_CHECKIN),
    ),
)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


# --- who sends it ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One request's outcome: HTTP status (0: no answer) and ack latency in milliseconds."""

    status: int
    ms: float


class Clients:
    """CONCURRENCY threads, each with a keep-alive connection, sending bursts in step."""

    def __init__(self, bot_url: str, concurrency: int, signing_secret: str) -> None:
        parsed = urllib.parse.urlsplit(bot_url)
        self._host, self._port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self._signer = SignatureVerifier(signing_secret)
        self._bodies: list[str | None] = [None] * concurrency
        self._samples: list[Sample] = [Sample(0, math.nan)] * concurrency
        self._start = threading.Barrier(concurrency + 1)
        self._done = threading.Barrier(concurrency + 1)
        self._threads = [
            threading.Thread(target=self._work, args=(n,), name=f"client-{n}", daemon=True)
            for n in range(concurrency)
        ]
        for thread in self._threads:
            thread.start()

    @property
    def size(self) -> int:
        """How many requests a burst sends."""
        return len(self._bodies)

    def burst(self, bodies: Sequence[str]) -> list[Sample]:
        """Send one body per client, all at once; the samples in the same order."""
        if len(bodies) != len(self._bodies):
            raise ValueError(f"a burst needs {len(self._bodies)} bodies, got {len(bodies)}")
        self._bodies[:] = bodies
        self._start.wait()
        self._done.wait()
        return list(self._samples)

    def close(self) -> None:
        """Stop the client threads."""
        self._bodies[:] = [None] * len(self._bodies)
        self._start.wait()
        for thread in self._threads:
            thread.join(timeout=5)

    def _work(self, n: int) -> None:
        connection = self._connect()
        while True:
            self._start.wait()
            body = self._bodies[n]
            if body is None:
                connection.close()
                return
            self._samples[n], connection = self._send(connection, body)
            self._done.wait()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self._host, self._port, timeout=REQUEST_TIMEOUT)

    def _send(
        self, connection: http.client.HTTPConnection, body: str
    ) -> tuple[Sample, http.client.HTTPConnection]:
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": self._signer.generate_signature(timestamp=stamp, body=body) or "",
        }
        data = body.encode()
        started = time.perf_counter()
        try:
            connection.request("POST", EVENTS_PATH, body=data, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.will_close:
                connection.close()
                connection = self._connect()
            return Sample(response.status, elapsed), connection
        except (OSError, http.client.HTTPException):
            elapsed = (time.perf_counter() - started) * 1000
            connection.close()
            return Sample(0, elapsed), self._connect()


@contextmanager
def clients(bot_url: str, concurrency: int) -> Iterator[Clients]:
    """Client threads for one server, stopped afterwards."""
    pool = Clients(bot_url, concurrency, SIGNING_SECRET)
    try:
        yield pool
    finally:
        pool.close()

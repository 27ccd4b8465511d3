"""Simulated people: they drive the bot the way Slack's clients do, over signed HTTP.

They send slash commands, click buttons found by their label in the messages and views the
bot actually posted to the stand-in, fill modals by input label, write DMs and open App Home.
Each request is what Slack would send to the bot's ``/slack/events``, signed with the
signing secret.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from slack_sdk.signature import SignatureVerifier

from devkit.standin.forms import JSON, NotShown, describe_answers, fill_view, find_button
from devkit.standin.server import SlackStandin

APP_ID = "A0GOALBOT"
T = TypeVar("T")


@dataclass(frozen=True)
class BotResponse:
    """What the bot answered over HTTP."""

    status: int
    body: str

    def json(self) -> Any:
        """The body as JSON (None when empty)."""
        return json.loads(self.body) if self.body.strip() else None


class SlackDriver:
    """Sends Slack's requests to a running bot, on behalf of the stand-in's users.

    Each interaction is also noted in the stand-in's activity log (``slack.activity()``), so a
    transcript can show what people typed, clicked and submitted.
    """

    def __init__(self, slack: SlackStandin, bot_url: str, signing_secret: str) -> None:
        self.slack = slack
        self.events_url = bot_url.rstrip("/") + "/slack/events"
        self._verifier = SignatureVerifier(signing_secret)
        self._surface: dict[str, str] = {}  # where each person last acted: modals open from there

    def send(
        self,
        body: str,
        content_type: str,
        *,
        headers: Mapping[str, str] | None = None,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> BotResponse:
        """POST a body to /slack/events, signed (or with the given, e.g. tampered, signature)."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signed = signature or self._verifier.generate_signature(timestamp=stamp, body=body)
        request = urllib.request.Request(self.events_url, data=body.encode(), method="POST")
        request.add_header("Content-Type", content_type)
        request.add_header("X-Slack-Request-Timestamp", stamp)
        request.add_header("X-Slack-Signature", signed or "")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return BotResponse(answer.status, answer.read().decode())
        except urllib.error.HTTPError as error:
            return BotResponse(error.code, error.read().decode())

    def slash(self, user_id: str, text: str, *, channel_id: str | None = None) -> BotResponse:
        """Type ``/goal TEXT`` in a channel (default: the person's DM with the bot)."""
        channel = channel_id or self.slack.dm_channel(user_id)
        self._note(user_id, channel, "command", f"/goal {text}".rstrip())
        fields = {
            "token": "unused",
            "team_id": self.slack.team_id,
            "channel_id": channel,
            "user_id": user_id,
            "command": "/goal",
            "text": text,
            "api_app_id": APP_ID,
            "response_url": self.slack.new_response_url(channel, user_id),
            "trigger_id": self.slack.issue_trigger_id(user_id),
        }
        return self.send(urllib.parse.urlencode(fields), "application/x-www-form-urlencoded")

    def event(
        self, event: JSON, *, event_id: str | None = None, retry_num: int | None = None
    ) -> BotResponse:
        """Deliver an Events API event; ``retry_num`` marks it as Slack's retry."""
        body = {
            "token": "unused",
            "team_id": self.slack.team_id,
            "api_app_id": APP_ID,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "event": event,
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.send(json.dumps(body), "application/json", headers=headers)

    def dm(
        self, user_id: str, text: str, *, event_id: str | None = None, retry_num: int | None = None
    ) -> BotResponse:
        """Write a message to the bot in the person's DM."""
        channel = self.slack.dm_channel(user_id)
        written = self._note(user_id, channel, "message", text)
        event = {
            "type": "message",
            "channel_type": "im",
            "channel": channel,
            "user": user_id,
            "text": text,
            "ts": written["ts"],
            "client_msg_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{user_id}:{text}:{event_id}")),
        }
        return self.event(event, event_id=event_id, retry_num=retry_num)

    def reply_in_thread(self, user_id: str, channel: str, thread_ts: str, text: str) -> BotResponse:
        """Reply in a channel's thread: the message appears in the stand-in, the bot gets the
        ``message`` event (channel members only, as in Slack)."""
        posted = self.slack.post_as_user(user_id, channel, text, thread_ts=thread_ts)
        event = {
            "type": "message",
            "channel_type": "channel",
            "channel": posted["channel"],
            "user": user_id,
            "text": text,
            "ts": posted["ts"],
            "thread_ts": posted["thread_ts"],
            "client_msg_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{user_id}:{posted['ts']}")),
        }
        return self.event(event)

    def open_home(self, user_id: str) -> BotResponse:
        """Open the app's Home tab."""
        self._note(user_id, "", "home", "opened App Home")
        event = {"type": "app_home_opened", "user": user_id, "tab": "home", "channel": ""}
        return self.event(event)

    def click_in_dm(self, user_id: str, label: str) -> BotResponse:
        """Click a button in the newest DM message from the bot that shows it."""
        for message in reversed(self.slack.dm_messages(user_id)):
            try:
                block, button = find_button(message.get("blocks", []), label)
            except NotShown:
                continue
            channel = self.slack.dm_channel(user_id)
            self._note(user_id, channel, "click", _label(button))
            container = {"type": "message", "message_ts": message["ts"], "channel_id": channel}
            url = self.slack.new_response_url(channel, user_id, message_ts=message["ts"])
            extra: JSON = {"channel": {"id": channel}, "message": message, "response_url": url}
            return self._action(user_id, block, button, container, extra)
        raise NotShown(f"no DM to {user_id} shows a button labelled {label!r}")

    def click_in_channel(
        self, user_id: str, channel: str, label: str, *, message_ts: str | None = None
    ) -> BotResponse:
        """Click a button in a message from the bot in a channel (by id): the newest message
        showing it, or the message ``message_ts``."""
        for message in reversed(self.slack.messages(channel)):
            if message_ts is not None and message["ts"] != message_ts:
                continue
            try:
                block, button = find_button(message.get("blocks", []), label)
            except NotShown:
                continue
            self._note(user_id, channel, "click", _label(button))
            container = {"type": "message", "message_ts": message["ts"], "channel_id": channel}
            url = self.slack.new_response_url(channel, user_id, message_ts=message["ts"])
            extra: JSON = {"channel": {"id": channel}, "message": message, "response_url": url}
            return self._action(user_id, block, button, container, extra)
        raise NotShown(f"no message in {channel} shows a button labelled {label!r}")

    def click_on_home(self, user_id: str, label: str) -> BotResponse:
        """Click a button on the person's Home tab."""
        view = self.slack.home_view(user_id) or {}
        block, button = find_button(view.get("blocks", []), label)
        self._note(user_id, "", "click", _label(button))
        container = {"type": "view", "view_id": view.get("id", "")}
        return self._action(user_id, block, button, container, {"view": view})

    def submit(self, user_id: str, answers: Mapping[str, Any]) -> BotResponse:
        """Fill the person's top modal by input label and submit it."""
        views = self.slack.open_views(user_id)
        if not views:
            raise NotShown(f"{user_id} has no modal open")
        view = dict(views[-1])
        view["state"] = {"values": fill_view(view, answers)}
        title = str((view.get("title") or {}).get("text", "a form"))
        where = self._surface.get(user_id, "")
        self._note(user_id, where, "submit", title, describe_answers(view, answers))
        payload = {
            "type": "view_submission",
            "team": {"id": self.slack.team_id},
            "user": {"id": user_id, "team_id": self.slack.team_id},
            "api_app_id": APP_ID,
            "trigger_id": self.slack.issue_trigger_id(user_id),
            "view": view,
        }
        return self._payload(payload)

    def send_action(self, user_id: str, action: JSON) -> BotResponse:
        """Send one raw block action (for guards and malformed-input tests)."""
        block = {"block_id": "raw"}
        return self._action(user_id, block, action, {"type": "message"}, {})

    def _action(
        self, user_id: str, block: JSON, button: JSON, container: JSON, extra: JSON
    ) -> BotResponse:
        action = {
            "type": "button",
            "action_id": button["action_id"],
            "block_id": block.get("block_id", ""),
            "value": button.get("value", ""),
            "text": button.get("text"),
            "action_ts": f"{time.time():.6f}",
        }
        payload = {
            "type": "block_actions",
            "team": {"id": self.slack.team_id},
            "user": {"id": user_id, "team_id": self.slack.team_id},
            "api_app_id": APP_ID,
            "trigger_id": self.slack.issue_trigger_id(user_id),
            "container": container,
            "actions": [action],
            **extra,
        }
        return self._payload(payload)

    def _note(
        self, user_id: str, channel: str, kind: str, text: str, details: tuple[str, ...] = ()
    ) -> JSON:
        if channel:
            self._surface[user_id] = channel
        return self.slack.record_activity(user_id, channel, kind, text, details)

    def _payload(self, payload: JSON) -> BotResponse:
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return self.send(body, "application/x-www-form-urlencoded")


def _label(button: JSON) -> str:
    return str((button.get("text") or {}).get("text", ""))


def eventually(check: Callable[[], T | None], *, timeout: float = 10.0) -> T:
    """Poll until ``check`` returns something truthy (the bot answers after its ack)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError("the bot did not do what was expected in time")
        time.sleep(0.01)

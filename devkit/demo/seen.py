"""What a simulated person sees in Slack: a button on a message, their DM changing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from devkit.people import eventually
from devkit.standin import SlackStandin
from devkit.standin.forms import NotShown, find_button

WAIT_SECONDS = 15.0
"""How long a person waits for the bot to show what they did (it works after the ack)."""

JSON = dict[str, Any]
T = TypeVar("T")


class AnswerFailed(RuntimeError):
    """The bot did not take an answer the way Slack would show it."""


def shows(message: JSON, label: str) -> bool:
    """Whether a message (or view) shows a button labelled `label`."""
    blocks = message.get("blocks")
    try:
        find_button(blocks if isinstance(blocks, list) else [], label)
    except NotShown:
        return False
    return True


def dm_state(slack: SlackStandin, user_id: str) -> list[tuple[str, str, str]]:
    """What the person's DM shows, to notice when the bot changes it."""
    return [(m["ts"], m.get("text", ""), str(m.get("blocks"))) for m in slack.dm_messages(user_id)]


def wait_for(check: Callable[[], T | None], what: str) -> T:
    """Wait until the bot shows `what`; AnswerFailed when it does not in time."""
    try:
        return eventually(check, timeout=WAIT_SECONDS)
    except TimeoutError as exc:
        raise AnswerFailed(f"goalbot did not show {what} in time") from exc


def check_status(status: int, what: str) -> None:
    """The bot must answer Slack's request with 200."""
    if status != 200:
        raise AnswerFailed(f"goalbot answered HTTP {status} to {what}")

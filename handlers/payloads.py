"""What a request to ``/slack/events`` must look like before Bolt sees it.

Slack sends slash commands and interactions form-encoded (an interaction as JSON in the form's
``payload`` field) and Events API callbacks as JSON. A body that is none of these, or is of the
wrong shape, is the client's mistake: it gets 400 with the cause, never a 500.
``MAX_BODY_BYTES`` bounds what is read at all (413 past it): Slack's largest payloads are view
submissions, a modal's state of at most 100 blocks, well under 100 KB; 1 MB leaves a margin.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

MAX_BODY_BYTES = 1_000_000

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
REQUIRED: dict[str, tuple[str, ...]] = {
    "block_actions": ("user", "actions"),
    "view_submission": ("user", "view"),
    "view_closed": ("user", "view"),
    "block_suggestion": ("user", "action_id"),
    "shortcut": ("user", "callback_id"),
    "message_action": ("user", "callback_id"),
    "event_callback": ("team_id", "event"),
    "url_verification": ("challenge",),
    "app_rate_limited": (),
}
COMMAND_FIELDS = ("command", "team_id", "user_id")
KINDS = {
    "block_actions": "action",
    "shortcut": "action",
    "message_action": "action",
    "view_submission": "view",
    "view_closed": "view",
    "block_suggestion": "options",
    "event_callback": "event",
}
"""A payload type's kind of request, as the ack metric counts it (anything else: other)."""


@dataclass(frozen=True)
class Checked:
    """What a body is (``command``, ``action``, ``view``, ``options``, ``event``, ``other``)
    and, when goalbot cannot take it, why."""

    kind: str
    problem: str | None


def check(body: bytes, content_type: str) -> Checked:
    """What this body is, and why it is not a Slack request goalbot can take (if it is not)."""
    media = content_type.split(";", 1)[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Checked("other", "the body is not UTF-8")
    if media == JSON:
        return _json_check(text, "the JSON body")
    if media == FORM:
        return _form_check(text)
    return Checked(
        "other", f"unsupported content type {media or '(none)'!r}: Slack sends {FORM} or {JSON}"
    )


def _form_check(text: str) -> Checked:
    form = parse_qs(text, keep_blank_values=True)
    if "payload" in form:
        return _json_check(form["payload"][0], "the form's payload")
    if "command" in form:
        missing = [name for name in COMMAND_FIELDS if not form.get(name, [""])[0]]
        return Checked(
            "command", f"the slash command has no {', '.join(missing)}" if missing else None
        )
    if form.get("ssl_check"):
        return Checked("other", None)
    return Checked("other", "the form has neither a command nor a payload")


def _json_check(text: str, what: str) -> Checked:
    try:
        payload: Any = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"{error.msg} at line {error.lineno} col {error.colno}"
        return Checked("other", f"{what} is not valid JSON ({where})")
    if not isinstance(payload, dict):
        return Checked("other", f"{what} is not a JSON object")
    kind = payload.get("type")
    if not isinstance(kind, str) or not kind:
        return Checked("other", f"{what} has no type")
    if kind not in REQUIRED:
        return Checked("other", f"{what} has a type goalbot does not take ({kind!r})")
    missing = [name for name in REQUIRED[kind] if not payload.get(name)]
    lacking = f"{what} ({kind}) has no {', '.join(missing)}" if missing else None
    return Checked(KINDS.get(kind, "other"), lacking)

"""Every request into the durable inbox before its ack; its work done from the stored row.

- :func:`inbox_middleware` (the app's first middleware) stores each command, button, modal
  submission, options request and event in the request thread, before the listener acks. A
  request stored before (the same payload: a byte-identical replay inside Slack's 5-minute
  window, or an event Slack retried) is acknowledged and goes no further.
- :func:`~handlers.deferred.after_ack` then acks and does the work from the stored row
  (in-process by default; a separate ``goalbot worker`` in the production shape), inside
  ``InboxService.working``: the work's database effects and the row's applied mark commit
  together, and the row is done once the work is.
- ``goalbot.worker.InboxWorker`` claims the rows nobody finished (their worker died, or the
  serving process leaves the work to workers) and replays each through the app as Slack sent
  it, with signature checks skipped (it was verified when it arrived).

What reaches Slack after a crash, per kind: an ephemeral answer through ``response_url`` may
arrive twice (posted, then the process died before the row was done: the replay answers
again; ``response_url`` takes 5 answers in 30 minutes); ``chat.update`` of a check-in DM and
``views.publish`` of App Home are safe to repeat (they set the same content); ``views.open``
and ``views.update`` need a trigger or view that expires within seconds, so a replay's modal
fails and is logged, its database effects kept; a modal submission is worked on before its
ack, so one never acknowledged is not replayed (the person saw Slack's error and can submit
again).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

from bot.services.inbox import InboxService

logger = logging.getLogger(__name__)

STORED = "goalbot_inbox_stored"
"""Context key: the inbox row this live request was stored as."""
REPLAYED = "goalbot_inbox_replayed"
"""Context key: the claimed inbox row a worker replays."""
INLINE_KINDS = frozenset({"view", "options"})
"""Worked on before the ack (their answer travels in it): never replayed."""
INBOX = "goalbot_inbox"
"""Context key: the inbox of this request (an :class:`InboxSetup`)."""


@dataclass(frozen=True)
class InboxSetup:
    """The inbox a request is stored in, and whether this process works on it itself."""

    inbox: InboxService
    take: bool


def kind_of(body: dict[str, Any]) -> str | None:
    """What a request is: command, action, view, options or event; None for Slack's own
    housekeeping (url_verification, ssl_check) that needs no row."""
    if body.get("command"):
        return "command"
    kind = body.get("type")
    if kind == "block_actions" or kind == "interactive_message":
        return "action"
    if kind in ("view_submission", "view_closed"):
        return "view"
    if kind in ("block_suggestion", "dialog_suggestion"):
        return "options"
    if kind == "event_callback":
        return "event"
    if kind in ("shortcut", "message_action"):
        return "action"
    return None


def request_key(body: dict[str, Any]) -> str:
    """The SHA-256 of the payload: the same for a replay, different for every new request."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def team_of(body: dict[str, Any]) -> str:
    """The workspace a payload comes from."""
    team = body.get("team")
    if isinstance(team, dict) and team.get("id"):
        return str(team["id"])
    return str(body.get("team_id") or (body.get("user") or {}).get("team_id") or "")


def inbox_middleware(
    inbox: InboxService, *, take: bool
) -> Callable[[BoltRequest, Callable[[], BoltResponse]], BoltResponse | None]:
    """Middleware: store the request (taken by this process when `take`) before its ack."""

    setup = InboxSetup(inbox, take)

    def middleware(req: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        req.context[INBOX] = setup
        if REPLAYED in req.context:
            return next()
        body = req.body
        kind = kind_of(body)
        if kind is None:
            return next()
        held = inbox.store(
            team_id=team_of(body),
            kind=kind,
            request_key=request_key(body),
            body=body,
            take=take or kind in INLINE_KINDS,
        )
        if held is None:
            logger.info("a %s request seen before (a replay or a retry): acknowledged only", kind)
            return BoltResponse(status=200, body="")
        req.context[STORED] = held
        return next()

    return middleware

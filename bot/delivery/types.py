"""What the engine hands to Slack and gets back, and the ways a post can go wrong.

The engine (``bot.delivery.engine``) never imports ``slack_sdk``: a :class:`Poster` is the thin
layer that talks to Slack (``bot.delivery.slack``) and translates its failures into the three
exceptions below, which say what the engine needs to know: was the message posted?
Every message carries a tag (``bot.delivery.tags``) in its Slack metadata.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from bot.delivery.tags import Tag
from storage.repositories.outbox import ClaimedDelivery


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to post. For a DM, `channel` is the person's user id (Slack opens the DM)."""

    channel: str
    text: str
    blocks: list[dict[str, Any]] | None = None
    metadata: Mapping[str, Any] | None = None
    thread_ts: str | None = None

    def tagged(self, tag: Tag) -> OutgoingMessage:
        """The message with metadata naming its row, keeping any extra payload keys."""
        payload = (self.metadata or {}).get("event_payload")
        return replace(
            self, metadata=tag.metadata(payload if isinstance(payload, Mapping) else None)
        )


@dataclass(frozen=True)
class Upload:
    """A file to upload into a thread (the digest's chart)."""

    channel: str
    thread_ts: str
    content: bytes
    filename: str
    title: str
    alt_text: str


@dataclass(frozen=True)
class PostResult:
    """Where Slack put a message: the conversation's id (``D…``, ``C…``) and the message ``ts``."""

    channel: str
    ts: str


class RateLimited(Exception):
    """Slack refused the call with 429 / ``ratelimited``: nothing was posted."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"ratelimited; retry after {retry_after:g} s")
        self.retry_after = retry_after


class PostRejected(Exception):
    """Slack answered ``ok: false`` with an error that means nothing was posted."""

    def __init__(self, error: str, *, retryable: bool) -> None:
        super().__init__(error)
        self.error = error
        self.retryable = retryable


class DeliveryUncertain(Exception):
    """The call failed in a way that leaves open whether Slack posted the message."""


POST_FAILURES = (RateLimited, PostRejected, DeliveryUncertain)
"""Every way a post can fail: what a best-effort post (a thread's reply) catches."""


class Poster(Protocol):
    """Posts messages to Slack, finds one posted before by its tag, uploads files."""

    def post(self, message: OutgoingMessage) -> PostResult:
        """Post one message; raises RateLimited, PostRejected or DeliveryUncertain."""
        ...

    def find_posted(
        self, *, tag: Tag, channel: str | None, user_id: str | None, since: datetime
    ) -> PostResult | None:
        """The message carrying `tag` in `channel` (or the bot's DM with `user_id`) since
        `since`, if any; raises as :meth:`post` does when Slack cannot tell."""
        ...

    def upload(self, upload: Upload) -> None:
        """Upload a file into a thread; PostRejected("missing_scope") without ``files:write``."""
        ...


class Composer(Protocol):
    """Builds the DM for a claimed row of the DM outbox; None when there is nothing to say."""

    def __call__(self, delivery: ClaimedDelivery) -> OutgoingMessage | None:
        """The message to send for this delivery, or None to record it as skipped."""
        ...

"""What the sender hands to Slack and gets back, and the ways a post can go wrong.

The sender (``bot.checkins.sending``) never imports ``slack_sdk``: a :class:`Poster` is the thin
layer that talks to Slack (``bot.delivery.slack``) and translates its failures into the
three exceptions below, which say what the sender needs to know: was the message posted?
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from storage.repositories.outbox import ClaimedDelivery

METADATA_EVENT_TYPE = "goalbot_checkin"
"""The ``metadata.event_type`` of every check-in message; its payload carries ``delivery_id``."""


@dataclass(frozen=True)
class OutgoingMessage:
    """One DM to post: `channel` is the person's Slack user id (Slack opens the DM)."""

    channel: str
    text: str
    blocks: list[dict[str, Any]] | None = None
    metadata: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class PostResult:
    """Where Slack put a message: the DM's channel id (``D…``) and the message ``ts``."""

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


class Poster(Protocol):
    """Posts check-ins to Slack and finds one posted before, by its delivery id."""

    def post(self, message: OutgoingMessage) -> PostResult:
        """Post one message; raises RateLimited, PostRejected or DeliveryUncertain."""
        ...

    def find_posted(
        self, *, delivery_id: int, user_id: str, channel: str | None, since: datetime
    ) -> PostResult | None:
        """The message carrying this delivery id in the user's DM since `since`, if any."""
        ...


class Composer(Protocol):
    """Builds the check-in for a claimed row; None when there is nothing to ask any more."""

    def __call__(self, delivery: ClaimedDelivery) -> OutgoingMessage | None:
        """The message to send for this delivery, or None to record it as skipped."""
        ...


def checkin_metadata(delivery_id: int, payload: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Slack message metadata naming this delivery (extra payload keys are kept)."""
    return {
        "event_type": METADATA_EVENT_TYPE,
        "event_payload": {**(payload or {}), "delivery_id": delivery_id},
    }


def tagged(message: OutgoingMessage, delivery_id: int) -> OutgoingMessage:
    """The message with metadata naming its delivery, whatever the composer put there."""
    payload = (message.metadata or {}).get("event_payload")
    extra = payload if isinstance(payload, Mapping) else None
    return replace(message, metadata=checkin_metadata(delivery_id, extra))


def delivery_id_of(metadata: Mapping[str, Any] | None) -> int | None:
    """The delivery id in a message's metadata, or None when it is not a check-in."""
    if not metadata or metadata.get("event_type") != METADATA_EVENT_TYPE:
        return None
    value: object = (metadata.get("event_payload") or {}).get("delivery_id")
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    return int(value) if str(value).isdigit() else None

"""The thin layer between review posting and Slack's Web API (the only Slack import here).

A review thread opens with one ``chat.postMessage`` to the review channel, tagged with
``metadata`` (``goalbot_review``, the review id). When a claim's outcome is unknown, the next
claim looks for that message in the channel's history (``channels:history`` or
``groups:history``, the scopes the thread-reply events need anyway) before posting again.
Failures are translated into the check-in sender's exceptions: ``RateLimited``,
``PostRejected`` (nothing was posted) and ``DeliveryUncertain``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from slack_sdk import WebClient

from bot.delivery.slack import SlackPoster, history, slack_errors
from bot.delivery.types import (
    OutgoingMessage,
    PostResult,
)

METADATA_EVENT_TYPE = "goalbot_review"
HISTORY_PAGE_SIZE = 15
HISTORY_MAX_PAGES = 20


class ReviewPoster(Protocol):
    """Posts review threads and finds one posted before, by its review id."""

    def post(self, message: OutgoingMessage) -> PostResult:
        """Post the thread's parent; raises RateLimited, PostRejected or DeliveryUncertain."""
        ...

    def find_posted(self, *, review_id: int, channel: str, since: datetime) -> PostResult | None:
        """The message tagged with this review in the channel since ``since``, if any."""
        ...


def review_metadata(review_id: int) -> dict[str, Any]:
    """Slack message metadata naming a review."""
    return {"event_type": METADATA_EVENT_TYPE, "event_payload": {"review_id": review_id}}


def review_id_of(metadata: Mapping[str, Any] | None) -> int | None:
    """The review id in a message's metadata, or None when it is not a review thread."""
    if not metadata or metadata.get("event_type") != METADATA_EVENT_TYPE:
        return None
    value = (metadata.get("event_payload") or {}).get("review_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class SlackReviewPoster:
    """A ``ReviewPoster`` over a ``WebClient`` handed in."""

    def __init__(self, client: WebClient) -> None:
        self._poster = SlackPoster(client)
        self._client = client

    def post(self, message: OutgoingMessage) -> PostResult:
        """Post one message to a channel (the 429 retry handler only, as for check-ins)."""
        return self._poster.post(message)

    def find_posted(self, *, review_id: int, channel: str, since: datetime) -> PostResult | None:
        """Look through the channel's history since ``since`` for the review's message."""
        with slack_errors():
            for message in history(self._client, channel, since):
                if review_id_of(message.get("metadata")) == review_id:
                    return PostResult(channel=channel, ts=str(message["ts"]))
        return None

"""The one Slack poster: every message goalbot posts, and the files it uploads.

One ``chat.postMessage`` per message (a DM goes to the person's user id: Slack opens the DM),
tagged with ``metadata`` naming its outbox row (``bot.delivery.tags``). ``chat.postMessage``
has no idempotency key, so the client used for posting keeps only the 429 retry handler:
retrying a 5xx or a dropped connection could post twice, so those surface as
:class:`DeliveryUncertain` and the engine looks for the message before trying again. Looking
(``conversations.history`` with ``include_all_metadata``, plus ``conversations.open`` when a
DM's id is unknown) happens only for rows whose outcome is in doubt; it needs ``im:history``
for DMs and ``channels:history``/``groups:history`` for channels. It does not wait out a 429
(history allows apps outside the Marketplace one call a minute) but reports it, and makes
further lookups report it too until Retry-After has passed. Files go up with
``files_upload_v2`` (``files:write``).
"""

from __future__ import annotations

import copy
import http.client
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

from bot.delivery.tags import Tag
from bot.delivery.types import (
    DeliveryUncertain,
    OutgoingMessage,
    PostRejected,
    PostResult,
    RateLimited,
    Upload,
)

RETRYABLE_ERRORS = frozenset({"service_unavailable", "request_timeout", "team_added_to_org"})
"""``ok: false`` errors after which nothing was posted and a later try may succeed."""

UNSURE_ERRORS = frozenset({"internal_error", "fatal_error"})
"""Errors Slack documents as "some aspect of the operation may have succeeded"."""

HISTORY_PAGE_SIZE = 15  # what conversations.history returns to apps outside the Marketplace
HISTORY_MAX_PAGES = 20


class SlackPoster:
    """A ``Poster`` over a ``WebClient`` handed in."""

    def __init__(
        self, client: WebClient, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._post_client = _keeping(client, RateLimitErrorRetryHandler)
        self._lookup_client = _keeping(client, ServerErrorRetryHandler, ConnectionErrorRetryHandler)
        self._monotonic = monotonic
        self._lookups_resume_at = 0.0

    def post(self, message: OutgoingMessage) -> PostResult:
        """Post one message; raises RateLimited, PostRejected or DeliveryUncertain."""
        with slack_errors():
            response = self._post_client.chat_postMessage(
                channel=message.channel,
                text=message.text,
                blocks=message.blocks,
                thread_ts=message.thread_ts,
                metadata=dict(message.metadata) if message.metadata else None,
            )
        return PostResult(channel=str(response["channel"]), ts=str(response["ts"]))

    def find_posted(
        self, *, tag: Tag, channel: str | None, user_id: str | None, since: datetime
    ) -> PostResult | None:
        """The message carrying `tag` in `channel` (else the DM with `user_id`) since `since`."""
        wait = self._lookups_resume_at - self._monotonic()
        if wait > 0:  # conversations.history allows apps outside the Marketplace 1 call a minute
            raise RateLimited(wait)
        try:
            with slack_errors():
                return self._find(tag, channel or self._open_dm(user_id or ""), since)
        except RateLimited as exc:
            self._lookups_resume_at = self._monotonic() + exc.retry_after
            raise

    def upload(self, upload: Upload) -> None:
        """Upload a file into a thread; PostRejected("missing_scope") without ``files:write``."""
        with slack_errors():
            self._post_client.files_upload_v2(
                channel=upload.channel,
                thread_ts=upload.thread_ts,
                content=upload.content,
                filename=upload.filename,
                title=upload.title,
                alt_txt=upload.alt_text[:1000],
                initial_comment=upload.title,
            )

    def _find(self, tag: Tag, channel: str, since: datetime) -> PostResult | None:
        for message in history(self._lookup_client, channel, since):
            if tag.names(message.get("metadata")):
                return PostResult(channel=channel, ts=str(message["ts"]))
        return None

    def _open_dm(self, user_id: str) -> str:
        """The id of the bot's DM with a user."""
        response = self._lookup_client.conversations_open(users=user_id)
        return str(response["channel"]["id"])


def _keeping(client: WebClient, *kinds: type[RetryHandler]) -> WebClient:
    """A copy of the client whose retry handlers are only those of the given kinds."""
    clone = copy.copy(client)
    clone.retry_handlers = [h for h in client.retry_handlers if isinstance(h, kinds)]
    return clone


def history(client: WebClient, channel: str, since: datetime) -> Iterator[dict[str, Any]]:
    """A conversation's messages since `since` with their metadata, newest first, page by page
    (15 a page for apps outside the Marketplace); at most HISTORY_MAX_PAGES pages."""
    cursor: str | None = None
    for _ in range(HISTORY_MAX_PAGES):
        response = client.conversations_history(
            channel=channel,
            oldest=f"{since.timestamp():.6f}",
            include_all_metadata=True,
            limit=HISTORY_PAGE_SIZE,
            cursor=cursor,
        )
        yield from response.get("messages") or []
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not response.get("has_more") or not cursor:
            return
    raise DeliveryUncertain(f"more than {HISTORY_MAX_PAGES} pages of history in {channel}")


@contextmanager
def slack_errors() -> Iterator[None]:
    """Translate Slack and network failures into what they mean for a post: rate limited,
    rejected (not posted) or unknown."""
    try:
        yield
    except SlackApiError as exc:
        raise _translate(exc) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryUncertain(f"{type(exc).__name__}: {exc}") from exc


def _translate(exc: SlackApiError) -> Exception:
    """What a Web API error means: rate limited, rejected (not posted) or unknown."""
    response = exc.response
    status = int(getattr(response, "status_code", 200) or 200)
    error = str(response.get("error") or "unknown_error")
    if status == 429 or error == "ratelimited":
        return RateLimited(_retry_after(getattr(response, "headers", None) or {}))
    if status >= 500 or error in UNSURE_ERRORS:
        return DeliveryUncertain(f"HTTP {status}: {error}")
    return PostRejected(error, retryable=error in RETRYABLE_ERRORS)


def _retry_after(headers: dict[str, Any]) -> float:
    """Seconds from a ``Retry-After`` header (1 when absent or unreadable)."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            text = value[0] if isinstance(value, list | tuple) and value else value
            return float(text) if str(text).strip().replace(".", "", 1).isdigit() else 1.0
    return 1.0

"""The Web API client: pointed at SLACK_API_URL, retrying 429s and transient failures.

Its retry handlers are slack_sdk's own (``RateLimitErrorRetryHandler``, which waits out
``Retry-After``; ``ServerErrorRetryHandler``; ``ConnectionErrorRetryHandler``), subclassed
only to count what they see in ``goalbot.metrics``: every 429 and every retry, by method. A
429 on ``chat.postMessage`` also tells `on_post_rate_limited` (the pacer's ``pause``), so
that with a shared send budget every replica slows down, not only the one that was told.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.config import Settings
from goalbot.metrics import record_rate_limited, record_retry

RATE_LIMIT_RETRIES = 5
SERVER_ERROR_RETRIES = 3
CONNECTION_RETRIES = 3
API_TIMEOUT_SECONDS = 10
POST_METHOD = "chat.postMessage"

logger = logging.getLogger(__name__)

RateLimitedHook = Callable[[float], None]


def make_web_client(
    settings: Settings, *, on_post_rate_limited: RateLimitedHook | None = None
) -> WebClient:
    """A WebClient for the bot token; honours Retry-After and retries 5xx and dropped links,
    counting each 429 and retry; `on_post_rate_limited(seconds)` hears chat.postMessage's 429s."""
    client = WebClient(
        token=settings.require("SLACK_BOT_TOKEN", "call Slack's Web API"),
        base_url=settings.slack_api_url,
        timeout=API_TIMEOUT_SECONDS,
    )
    client.retry_handlers = [
        CountedConnectionErrors(max_retry_count=CONNECTION_RETRIES),
        CountedRateLimits(max_retry_count=RATE_LIMIT_RETRIES, on_post=on_post_rate_limited),
        CountedServerErrors(max_retry_count=SERVER_ERROR_RETRIES),
    ]
    return client


def method_of(request: HttpRequest) -> str:
    """The Web API method a request calls (the last segment of its URL's path)."""
    return request.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "unknown"


def retry_after_seconds(response: HttpResponse | None) -> float:
    """Seconds from a 429's ``Retry-After`` header (1 when absent or unreadable)."""
    for name, values in (response.headers if response is not None else {}).items():
        if name.lower() == "retry-after" and values:
            try:
                return float(values[0])
            except (TypeError, ValueError):
                return 1.0
    return 1.0


class CountedRateLimits(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler (waits Retry-After, then retries), counting every 429 and retry."""

    def __init__(self, *, max_retry_count: int, on_post: RateLimitedHook | None = None) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._on_post = on_post

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        """Count a 429 (retried or not) and pass its wait on; then decide as slack_sdk does."""
        if response is not None and response.status_code == 429:
            method = method_of(request)
            record_rate_limited(method)
            if method == POST_METHOD and self._on_post is not None:
                _tell(self._on_post, retry_after_seconds(response))
        return super().can_retry(state=state, request=request, response=response, error=error)

    def prepare_for_next_attempt(self, **kwargs: Any) -> None:
        """Count the retry, then wait as slack_sdk does."""
        record_retry(method_of(kwargs["request"]), "rate_limited")
        super().prepare_for_next_attempt(**kwargs)


class CountedServerErrors(ServerErrorRetryHandler):
    """slack_sdk's 5xx handler, counting its retries."""

    def prepare_for_next_attempt(self, **kwargs: Any) -> None:
        """Count the retry, then back off as slack_sdk does."""
        record_retry(method_of(kwargs["request"]), "server_error")
        super().prepare_for_next_attempt(**kwargs)


class CountedConnectionErrors(ConnectionErrorRetryHandler):
    """slack_sdk's dropped-connection handler, counting its retries."""

    def prepare_for_next_attempt(self, **kwargs: Any) -> None:
        """Count the retry, then back off as slack_sdk does."""
        record_retry(method_of(kwargs["request"]), "connection")
        super().prepare_for_next_attempt(**kwargs)


def _tell(hook: RateLimitedHook, seconds: float) -> None:
    """Pass a 429's wait on; a failure there (the database) never stops the retry."""
    try:
        hook(seconds)
    except Exception:
        logger.exception("could not pause the send budget after a 429")

"""The Web API client: pointed at SLACK_API_URL, retrying 429s and transient failures."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings

RATE_LIMIT_RETRIES = 5
SERVER_ERROR_RETRIES = 3
CONNECTION_RETRIES = 3
API_TIMEOUT_SECONDS = 10


def make_web_client(settings: Settings) -> WebClient:
    """A WebClient for the bot token; honours Retry-After and retries 5xx and dropped links."""
    client = WebClient(
        token=settings.require("SLACK_BOT_TOKEN", "call Slack's Web API"),
        base_url=settings.slack_api_url,
        timeout=API_TIMEOUT_SECONDS,
    )
    client.retry_handlers.extend(
        [
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
        ]
    )
    for handler in client.retry_handlers:
        if isinstance(handler, ConnectionErrorRetryHandler):
            handler.max_retry_count = CONNECTION_RETRIES
    return client

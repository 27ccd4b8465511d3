"""The thin layer between the digest sender and Slack: post messages, upload the chart.

As for check-ins (``bot.delivery.slack``), the client used here keeps only the 429
retry handler: ``chat.postMessage`` has no idempotency key, so a 5xx or a dropped connection
is reported as :class:`DeliveryUncertain` rather than retried into a second post. The chart
goes up with ``files_upload_v2`` (files.getUploadURLExternal, the upload, then
files.completeUploadExternal) into the digest's thread; it needs the ``files:write`` scope.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.blocks.message import Message
from bot.delivery.slack import slack_errors

MISSING_SCOPE = "missing_scope"


class SlackDigestPoster:
    """Posts digests and uploads their charts with a ``WebClient`` handed in."""

    def __init__(self, client: WebClient) -> None:
        self._client = copy.copy(client)
        self._client.retry_handlers = [
            handler
            for handler in client.retry_handlers
            if isinstance(handler, RateLimitErrorRetryHandler)
        ]

    def post(
        self,
        channel: str,
        message: Message,
        *,
        thread_ts: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> str:
        """Post one message (in a thread when `thread_ts` is given); its ``ts``."""
        with slack_errors():
            response = self._client.chat_postMessage(
                channel=channel,
                text=message.text,
                blocks=message.blocks,
                thread_ts=thread_ts,
                metadata=dict(metadata) if metadata else None,
            )
        return str(response["ts"])

    def upload_chart(
        self, channel: str, thread_ts: str, png: bytes, *, filename: str, title: str, alt_text: str
    ) -> None:
        """Upload a PNG into a thread; PostRejected("missing_scope") without ``files:write``."""
        with slack_errors():
            self._client.files_upload_v2(
                channel=channel,
                thread_ts=thread_ts,
                content=png,
                filename=filename,
                title=title,
                alt_txt=alt_text[:1000],
                initial_comment=title,
            )

"""Slack Web API errors as the stand-in raises and answers them."""

from __future__ import annotations

from typing import Any


class SlackError(Exception):
    """A Slack API error: answered as ``{"ok": false, "error": <error>, ...}`` with HTTP 200."""

    def __init__(self, error: str, *, messages: list[str] | None = None, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON body Slack would send for this error."""
        body: dict[str, Any] = {"ok": False, "error": self.error, **self.extra}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


def missing_field(name: str) -> SlackError:
    """The ``invalid_arguments`` error newer Slack methods give for a missing argument."""
    return SlackError("invalid_arguments", messages=[f"[ERROR] missing required field: {name}"])

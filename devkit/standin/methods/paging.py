"""Slack-style cursor pagination."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import TypeVar

from devkit.standin.errors import SlackError

T = TypeVar("T")


def encode_cursor(kind: str, value: str) -> str:
    """An opaque cursor like Slack's (``base64("user:U123")``)."""
    return base64.b64encode(f"{kind}:{value}".encode()).decode()


def decode_cursor(cursor: str, kind: str) -> str:
    """The value inside a cursor of this kind, else ``invalid_cursor``."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise SlackError("invalid_cursor") from exc
    prefix, _, value = text.partition(":")
    if prefix != kind or not value:
        raise SlackError("invalid_cursor")
    return value


def page(
    items: Sequence[T], keys: Sequence[str], *, kind: str, cursor: str | None, limit: int
) -> tuple[list[T], str]:
    """One page of `items` (identified by `keys`) and the cursor of the next ("" at the end)."""
    start = 0
    if cursor:
        key = decode_cursor(cursor, kind)
        if key not in keys:
            raise SlackError("invalid_cursor")
        start = list(keys).index(key)
    end = len(items) if limit <= 0 else min(len(items), start + limit)
    next_cursor = encode_cursor(kind, keys[end]) if end < len(items) else ""
    return list(items[start:end]), next_cursor

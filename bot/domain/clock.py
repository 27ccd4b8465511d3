"""The injected source of "now": always timezone-aware UTC."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can say what time it is, in UTC."""

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told to move; for tests, ticks and the demo."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        """The instant this clock is set to."""
        return self._at

    def set(self, at: datetime) -> None:
        """Move to an absolute instant."""
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._at = at.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move forward by a duration."""
        self._at += delta


class ClockUnavailable(Exception):
    """A :class:`UrlClock` could not read the time."""


class UrlClock:
    """The time told by a URL answering JSON ``{"time": <seconds since the epoch>}``.

    For the demo and end-to-end tests only: ``goalbot serve --clock-url`` points it at the
    Slack stand-in's ``/clock``, so the bot lives on the stand-in's (accelerated) time and a
    quarter plays in a minute. Never used unless that option is given.
    """

    def __init__(self, url: str, *, timeout: float = 5.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"a clock URL must be http(s)://..., not {url!r}")
        self.url = url
        self._timeout = timeout

    def now(self) -> datetime:
        """The instant the URL tells, timezone-aware UTC."""
        try:
            with urllib.request.urlopen(self.url, timeout=self._timeout) as answer:
                seconds = float(json.load(answer)["time"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ClockUnavailable(f"cannot read the time from {self.url}: {exc}") from exc
        return datetime.fromtimestamp(seconds, UTC)

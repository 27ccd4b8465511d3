"""The stand-in's clock: real time scaled by a speed factor, plus manual jumps."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class StandinClock:
    """A clock whose seconds run `speed` times as fast as real ones and can be advanced.

    ``speed=0`` freezes it: it then moves only by :meth:`advance`. It satisfies
    ``bot.domain.clock.Clock`` (``now()`` is timezone-aware UTC), so the bot and the stand-in can
    share one.
    """

    def __init__(
        self,
        start: datetime | None = None,
        *,
        speed: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("StandinClock needs a timezone-aware start")
        if speed < 0:
            raise ValueError("speed must be >= 0")
        self._lock = threading.Lock()
        self._monotonic = monotonic
        self._base = (start or datetime.now(UTC)).timestamp()
        self._anchor = monotonic()
        self._speed = float(speed)

    def time(self) -> float:
        """Seconds since the epoch on this clock."""
        with self._lock:
            return self._base + (self._monotonic() - self._anchor) * self._speed

    def now(self) -> datetime:
        """The current instant on this clock, timezone-aware UTC."""
        return datetime.fromtimestamp(self.time(), UTC)

    @property
    def speed(self) -> float:
        """How many clock seconds pass per real second."""
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        if value < 0:
            raise ValueError("speed must be >= 0")
        with self._lock:
            now = self._monotonic()
            self._base += (now - self._anchor) * self._speed
            self._anchor = now
            self._speed = float(value)

    def advance(self, delta: float | timedelta) -> None:
        """Jump forward by a number of seconds or a timedelta."""
        seconds = delta.total_seconds() if isinstance(delta, timedelta) else float(delta)
        if seconds < 0:
            raise ValueError("the stand-in clock only moves forward")
        with self._lock:
            self._base += seconds

    def real_seconds(self, clock_seconds: float) -> float:
        """How long `clock_seconds` of this clock take in real time (themselves when frozen)."""
        return clock_seconds / self._speed if self._speed > 0 else clock_seconds

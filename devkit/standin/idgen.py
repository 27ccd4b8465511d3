"""Identifiers and message timestamps shaped like Slack's."""

from __future__ import annotations

import itertools
import secrets
import threading


class IdMaker:
    """Hands out Slack-shaped ids (``U0000001``, ``C0000002``...) unique within a workspace."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def new(self, prefix: str) -> str:
        """A fresh id starting with `prefix` (``U``, ``C``, ``D``, ``V``, ``F``...)."""
        with self._lock:
            return f"{prefix}{next(self._counter):08d}"

    @staticmethod
    def token(nbytes: int = 8) -> str:
        """A random hex string for trigger ids, hashes and URL tickets."""
        return secrets.token_hex(nbytes)


class TsMaker:
    """Message timestamps: unique, strictly increasing, formatted ``1700000000.000100``."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def next(self, now: float) -> str:
        """The ts of a message created at `now` (epoch seconds)."""
        with self._lock:
            micros = max(int(now * 1_000_000), self._last + 1)
            self._last = micros
        return format_ts(micros)


def format_ts(micros: int) -> str:
    """Format microseconds since the epoch as a Slack ts."""
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def parse_ts(ts: str) -> int | None:
    """Microseconds since the epoch for a Slack ts, or None if it is not one."""
    try:
        whole, _, frac = ts.partition(".")
        return int(whole) * 1_000_000 + int((frac + "000000")[:6] or 0)
    except ValueError:
        return None

"""Rate limits (token buckets on the stand-in clock) and injected faults."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Literal

from devkit.standin.clock import StandinClock

FaultKind = Literal["429", "500", "503", "drop"]
FAULT_KINDS: tuple[str, ...] = ("429", "500", "503", "drop")

# Calls per minute of Slack's tiers, and the tier of each method the stand-in serves.
TIERS: dict[int, float] = {1: 1, 2: 20, 3: 50, 4: 100}
METHOD_TIERS: dict[str, int] = {
    "auth.test": 4,
    "users.list": 2,
    "users.info": 4,
    "users.lookupByEmail": 3,
    "conversations.info": 3,
    "conversations.open": 3,
    "conversations.members": 4,
    "conversations.history": 3,
    "conversations.replies": 3,
    "chat.update": 3,
    "chat.delete": 3,
    "chat.postEphemeral": 4,
    "chat.getPermalink": 4,
    "views.open": 4,
    "views.push": 4,
    "views.update": 4,
    "views.publish": 4,
    "files.getUploadURLExternal": 4,
    "files.completeUploadExternal": 4,
}
# Slack's limit on conversations.history/replies for apps outside the Marketplace.
NON_MARKETPLACE_HISTORY_PER_MINUTE = 1.0


@dataclass
class RateLimits:
    """How the stand-in limits calls; off unless `enabled`.

    Each method has a bucket holding a minute's worth of calls (its tier, or
    `per_minute[method]`). chat.postMessage instead has one bucket per channel
    (`post_channel_per_second`, bursts of `post_channel_burst`) and a workspace-wide one
    (`post_workspace_per_minute`).
    """

    enabled: bool = False
    per_minute: dict[str, float] = field(default_factory=dict)
    post_channel_per_second: float = 1.0
    post_channel_burst: int = 3
    post_workspace_per_minute: float = 600.0
    marketplace_app: bool = False


class TokenBucket:
    """`capacity` tokens refilled at `rate` per second of the stand-in clock."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, capacity)
        self._tokens = self.capacity
        self._at = now

    def wait(self, now: float) -> float:
        """Seconds until a token is available (0 when one is)."""
        self._refill(now)
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate

    def take(self, now: float) -> None:
        """Spend a token (call :meth:`wait` first)."""
        self._refill(now)
        self._tokens -= 1

    def _refill(self, now: float) -> None:
        if now > self._at:
            self._tokens = min(self.capacity, self._tokens + (now - self._at) * self.rate)
            self._at = now


class RateLimiter:
    """Decides whether a call goes through now, or how long until it may."""

    def __init__(self, clock: StandinClock, config: RateLimits) -> None:
        self.clock = clock
        self.config = config
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def check(self, method: str, channel: str | None = None) -> float:
        """Clock seconds to wait before `method` may run (0: it runs now and is counted)."""
        if not self.config.enabled:
            return 0.0
        with self._lock:
            now = self.clock.time()
            buckets = self._buckets_for(method, channel, now)
            wait = max(b.wait(now) for b in buckets)
            if wait == 0:
                for bucket in buckets:
                    bucket.take(now)
            return wait

    def retry_after(self, wait: float) -> int:
        """The Retry-After header (whole real seconds, at least 1) for a clock-seconds wait."""
        return max(1, math.ceil(self.clock.real_seconds(wait)))

    def reset(self) -> None:
        """Forget all counts (every bucket starts full again)."""
        with self._lock:
            self._buckets.clear()

    def _buckets_for(self, method: str, channel: str | None, now: float) -> list[TokenBucket]:
        cfg = self.config
        if method == "chat.postMessage" and method not in cfg.per_minute:
            per_channel = self._bucket(
                f"{method}:{channel}", cfg.post_channel_per_second, cfg.post_channel_burst, now
            )
            workspace = cfg.post_workspace_per_minute
            return [per_channel, self._bucket(method, workspace / 60, workspace, now)]
        per_minute = self._per_minute(method)
        return [self._bucket(method, per_minute / 60, per_minute, now)]

    def _per_minute(self, method: str) -> float:
        if method in self.config.per_minute:
            return self.config.per_minute[method]
        history = ("conversations.history", "conversations.replies")
        if method in history and not self.config.marketplace_app:
            return NON_MARKETPLACE_HISTORY_PER_MINUTE
        return TIERS[METHOD_TIERS.get(method, 3)]

    def _bucket(self, key: str, rate: float, capacity: float, now: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(rate, capacity, now)
        return bucket


class Faults:
    """Faults queued for the next calls of a method (``"*"`` matches every method)."""

    def __init__(self) -> None:
        self._queued: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def inject(self, method: str, kind: str, count: int = 1) -> None:
        """Make the next `count` calls of `method` fail with `kind`."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}, not {kind!r}")
        if count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._queued.setdefault(method, []).extend([kind] * count)

    def take(self, method: str) -> str | None:
        """The fault for this call of `method`, if one is queued (consumed)."""
        with self._lock:
            for key in (method, "*"):
                queue = self._queued.get(key)
                if queue:
                    return queue.pop(0)
            return None

    def clear(self) -> None:
        """Drop every queued fault."""
        with self._lock:
            self._queued.clear()

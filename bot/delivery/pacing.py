"""Pacing check-in posts under Slack's ``chat.postMessage`` limits with a token bucket.

Slack allows about one message a second per channel (every check-in goes to a different DM,
so that one does not bind) plus a workspace-wide cap it does not publish; one large integrator
sends about 525 messages a minute (docs/slack.md). The default, 5 messages a second sustained
(300 a minute) with bursts of 5, stays well under that; ``GOALBOT_SEND_PER_MINUTE`` sets it
(``goalbot serve`` and ``goalbot tick``). A :class:`TokenBucket` is per process; on PostgreSQL
the processes share one budget instead (``bot.delivery.budget.SharedBudget``, same rate and
burst), so any number of replicas together stay within the setting. A 429 pauses the bucket
for ``Retry-After`` seconds, after which it refills from empty.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

DEFAULT_RATE = 5.0
"""Messages per second, sustained: 300 a minute."""

DEFAULT_BURST = 5
"""Messages that may go out back to back after a quiet spell."""

_EPSILON = 1e-6
_MIN_WAIT = 1e-6
"""A wait shorter than this would not move a clock read as epoch seconds (a float's step there
is ~2.4e-7 s), and the bucket would wait for ever for the last sliver of a token."""


def per_minute(posts: float) -> TokenBucket:
    """A bucket for ``posts`` a minute, bursting at most a second's worth (at least the
    default burst): short stalls between claimed batches are made up, the average holds."""
    rate = posts / 60
    return TokenBucket(rate=rate, burst=burst_for(rate))


def burst_for(rate: float) -> int:
    """The burst of a bucket of `rate` posts a second: a second's worth, at least the default."""
    return max(DEFAULT_BURST, round(rate))


class Pacer(Protocol):
    """Decides when the next post may go out."""

    def acquire(self) -> float:
        """Wait until a post may go out; the seconds waited."""
        ...

    def pause(self, seconds: float) -> None:
        """Let nothing out for `seconds` (Slack said Retry-After)."""
        ...


class TokenBucket:
    """`rate` posts a second on average, at most `burst` back to back; clock and sleep injected."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        burst: int = DEFAULT_BURST,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate must be > 0 and burst >= 1, not {rate} and {burst}")
        self.rate, self.burst = float(rate), burst
        self._monotonic, self._sleep = monotonic, sleep
        self._tokens = float(burst)
        self._stamp = monotonic()  # tokens were counted at this instant (future while paused)

    def delay(self) -> float:
        """Seconds until the next post may go out (0 when it may go now)."""
        now = self._monotonic()
        if now < self._stamp:
            return self._stamp - now + 1.0 / self.rate
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self._tokens >= 1 - _EPSILON:
            return 0.0
        return max((1 - self._tokens) / self.rate, _MIN_WAIT)

    def acquire(self) -> float:
        """Wait until a post may go out and take its token; the seconds waited."""
        waited = 0.0
        while (wait := self.delay()) > 0:
            self._sleep(wait)
            waited += wait
        self._tokens -= 1
        return waited

    def pause(self, seconds: float) -> None:
        """Let nothing out for `seconds`, then refill from empty."""
        self._tokens = 0.0
        self._stamp = max(self._stamp, self._monotonic() + max(seconds, 0.0))


class NoPacing:
    """A pacer that never waits (tests, or a poster that paces itself)."""

    def acquire(self) -> float:
        """Never waits."""
        return 0.0

    def pause(self, seconds: float) -> None:
        """Ignores pauses."""

"""One send budget for every replica: a token bucket kept in the database.

:class:`TokenBucket` (``bot.delivery.pacing``) paces one process; N replicas, each with its
own, send N times ``GOALBOT_SEND_PER_MINUTE``. :class:`SharedBudget` is the same bucket (the
same rate and burst) kept in one ``send_budget`` row that every process takes its posts from
with one atomic ``UPDATE ... RETURNING`` (``storage.repositories.send_budget``), so any
number of processes together post at most the rate, and a 429 that one of them gets
(:meth:`SharedBudget.pause`) holds back all of them until its ``Retry-After`` has passed.

The row counts in seconds since the epoch read from each process's clock (``time.time``),
so replicas on different hosts need their clocks in step (NTP): while posts queue, the rate
holds whatever the skew, but after a quiet spell a replica whose clock runs ahead may take up
to skew x rate posts beyond the burst once. A process waits by sleeping until the next slot
is due, then takes it or, if another process took it first, waits for the next one.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Engine

from bot.delivery.pacing import burst_for
from storage.db import unit_of_work
from storage.repositories.send_budget import budget_tat, ensure_budget, hold_until, take_slot

POST_MESSAGE_BUDGET = "chat.postMessage"
"""The key of the budget every post goes through (one workspace per token today)."""

_MIN_WAIT = 1e-3
"""Never sleep less than this between two tries (a slot just taken by another process)."""

_SLACK = 1e-4
"""Seconds a slot may be taken early: sums of epoch seconds and intervals are not exact (a
float's step there is ~2.4e-7 s), and a slot due now must not look a hair in the future."""


def shared_per_minute(
    engine: Engine, posts: float, *, key: str = POST_MESSAGE_BUDGET
) -> SharedBudget:
    """A shared budget of ``posts`` a minute, bursting as ``pacing.per_minute`` does."""
    rate = posts / 60
    return SharedBudget(engine, key, rate=rate, burst=burst_for(rate))


class SharedBudget:
    """`rate` posts a second on average, at most `burst` back to back, across every process
    that uses the row `key` of `engine`'s ``send_budget``; clock and sleep injected."""

    def __init__(
        self,
        engine: Engine,
        key: str = POST_MESSAGE_BUDGET,
        *,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate must be > 0 and burst >= 1, not {rate} and {burst}")
        self.engine, self.key = engine, key
        self.rate, self.burst = float(rate), burst
        self.interval = 1.0 / self.rate
        self.tolerance = (burst - 1) * self.interval
        self._clock, self._sleep = clock, sleep
        self._ensured = False

    def delay(self) -> float:
        """Seconds until the next post may go out, as the row stands (0: it may go now)."""
        with unit_of_work(self.engine) as session:
            tat = budget_tat(session=session, key=self.key)
        return 0.0 if tat is None else max(0.0, tat - self.tolerance - self._clock())

    def acquire(self) -> float:
        """Wait until a post may go out and take its slot; the seconds waited."""
        waited = 0.0
        while (wait := self._try_take()) > 0:
            self._sleep(wait)
            waited += wait
        return waited

    def pause(self, seconds: float) -> None:
        """Let nothing out, in any process, for `seconds`; then the bucket refills from empty."""
        until = self._clock() + max(seconds, 0.0) + self.tolerance
        with unit_of_work(self.engine) as session:
            ensure_budget(session=session, key=self.key)
            hold_until(session=session, key=self.key, tat=until)

    def _try_take(self) -> float:
        """Take a slot now (0), or the seconds until the next one may be due."""
        now = self._clock()
        with unit_of_work(self.engine) as session:
            if not self._ensured:
                ensure_budget(session=session, key=self.key)
                self._ensured = True
            taken = take_slot(
                session=session,
                key=self.key,
                now=now,
                interval=self.interval,
                tolerance=self.tolerance + _SLACK,
            )
            if taken is not None:
                return 0.0
            tat = budget_tat(session=session, key=self.key)
        if tat is None:  # the row went away: make it again on the next try
            self._ensured = False
            return _MIN_WAIT
        return max(tat - self.tolerance - now, _MIN_WAIT)

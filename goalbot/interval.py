"""The one scheduled job inside ``goalbot serve``: call the tick on an interval.

The scheduler only triggers work: what is due is decided by the tick from our own tables,
so a late, missed or doubled run changes nothing (see docs in bot/checkins/tick.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

logger = logging.getLogger(__name__)

TICK_SECONDS = 30
"""How often each replica runs the tick."""


def start_scheduler(
    tick: Callable[[], object], *, seconds: int = TICK_SECONDS
) -> BackgroundScheduler:
    """Start a background scheduler running ``tick`` at once and then every ``seconds``; one run
    at a time. The first run right at start-up catches up after a restart or downtime."""
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        _logged(tick),
        "interval",
        seconds=seconds,
        id="goalbot-tick",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=seconds * 10,
        next_run_time=datetime.now(UTC),  # the scheduler's own wall clock: catch up at start
    )
    scheduler.start()
    return scheduler


def _logged(tick: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            logger.info("tick: %s", tick())
        except Exception:
            logger.exception("the tick failed; the next one will pick up where it left off")

    return run

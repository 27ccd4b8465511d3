"""The one scheduled job: the tick runs at start-up, then on its interval, one at a time."""

from __future__ import annotations

import threading
from datetime import timedelta

from goalbot.interval import start_scheduler


def test_the_tick_runs_at_start_then_every_interval_one_at_a_time() -> None:
    ran = threading.Event()
    scheduler = start_scheduler(ran.set, seconds=30)
    try:
        assert ran.wait(10), "the first tick should run at start-up, not after 30 s"
        job = scheduler.get_job("goalbot-tick")
        assert job is not None
        assert job.trigger.interval == timedelta(seconds=30)
        assert (job.max_instances, job.coalesce) == (1, True)
    finally:
        scheduler.shutdown(wait=False)

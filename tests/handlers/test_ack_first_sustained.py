"""The after-ack executor under traffic that never pauses: work goes on, a few at a time."""

from __future__ import annotations

import threading
import time

from handlers.deferred import AckFirstExecutor, InFlight

BOUND = 5.0  # generous bound for a thread to be scheduled; never reached when things work


def test_work_queued_behind_busy_threads_does_not_wait_its_turn_again() -> None:
    requests = InFlight()
    release = threading.Event()
    started: list[float] = []
    with requests.request(), AckFirstExecutor(1, requests=requests, yield_at_most=0.3) as pool:
        first = pool.submit(release.wait, BOUND)  # holds the one thread
        queued = [pool.submit(lambda: started.append(time.monotonic())) for _ in range(3)]
        time.sleep(0.35)  # longer than a task's whole turn: the queued ones have waited it
        freed = time.monotonic()
        release.set()
        first.result(BOUND)
        for future in queued:
            future.result(BOUND)
    # Each waited its turn in the queue; none waited 0.3 s more once a thread took it.
    assert max(started) - freed < 0.25, [round(t - freed, 3) for t in started]


def test_while_requests_are_in_flight_only_a_few_tasks_run_at_once() -> None:
    requests = InFlight()
    lock = threading.Lock()
    running, most = [0], [0]

    def task() -> None:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1

    with (
        requests.request(),
        AckFirstExecutor(8, requests=requests, yield_at_most=0.01, busy_share=2) as pool,
    ):
        futures = [pool.submit(task) for _ in range(12)]
        for future in futures:
            future.result(BOUND)
    assert most[0] == 2


def test_once_quiet_every_thread_works() -> None:
    requests = InFlight(settle=0.0)
    together = threading.Barrier(4, timeout=BOUND)
    with AckFirstExecutor(4, requests=requests, busy_share=1) as pool:
        futures = [pool.submit(together.wait) for _ in range(4)]
        for future in futures:
            future.result(BOUND)  # a Barrier broken by running one at a time would raise

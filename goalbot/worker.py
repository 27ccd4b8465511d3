"""The inbox worker: finishes the requests the inbox holds that nobody is working on; and the
heartbeat that keeps this process's requests its own.

Those are rows whose worker died (their lease ran out) and rows ``goalbot serve --no-work``
left for workers. Each is replayed through the Bolt app as Slack sent it (``mode=socket_mode``,
so signatures are not checked again: they were when the request arrived), and the listener's
``after_ack`` does its work (``handlers.deferred``), several at a time on the process's
after-ack threads (a request's work waits on Slack's round trips, so one at a time would
finish a few a second). The worker holds at most two rows per thread (those being worked on,
and a batch queued behind them), claiming a batch whenever half of that is free: a busy worker
never sits on more rows than it will start within one row's time. A row no listener takes (an
event goalbot does not handle, such as the bot's own messages) is recorded as done. Runs
inside ``goalbot serve`` (a thread) and as ``goalbot worker`` (the main thread).

:class:`Heartbeat` renews the leases of every request this process holds
(``InboxService.renew``), so that a live process keeps them however long their work takes and
a dead one's are taken over within ``GOALBOT_INBOX_WAIT_SECONDS``.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Executor

from slack_bolt import App, BoltRequest

from bot.services.inbox import MAX_ATTEMPTS, RENEW_EVERY, InboxService
from handlers.deferred import AFTER_ACK, LISTENER_THREADS
from handlers.inbox import INLINE_KINDS, REPLAYED
from storage.repositories.inbox import ClaimedRequest

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0


class InboxWorker:
    """Finishes what the inbox holds: rows whose worker died, and rows left for workers."""

    def __init__(
        self,
        app: App,
        inbox: InboxService,
        *,
        threads: int = LISTENER_THREADS,
        executor: Executor = AFTER_ACK,
    ) -> None:
        self._app, self._inbox = app, inbox
        self._threads, self._executor = threads, executor
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._warned = False
        self._busy = threading.Condition()
        self._in_hand = 0

    def run_once(self) -> int:
        """Claim one batch and work on it in this thread; how many rows it took."""
        claimed = self._inbox.claim(self._threads)
        for row in claimed:
            self._work(row)
        return len(claimed)

    def drain(self) -> int:
        """Work until nothing is left to claim; how many rows in all."""
        total = 0
        while taken := self.run_once():
            total += taken
        return total

    def start(self, *, poll: float = POLL_SECONDS) -> InboxWorker:
        """Run in a thread until :meth:`stop`, checking the inbox every `poll` seconds."""
        self._thread = threading.Thread(
            target=self._loop, args=(poll,), name="inbox-worker", daemon=True
        )
        self._thread.start()
        return self

    def run(self, *, poll: float = POLL_SECONDS) -> None:
        """Run in this thread until :meth:`stop` (or SystemExit, e.g. from SIGTERM)."""
        self._loop(poll)

    def stop(self, timeout: float = 30) -> None:
        """Stop claiming; the rows in hand finish on the executor's threads."""
        self._stop.set()
        with self._busy:
            self._busy.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self, poll: float) -> None:
        self._inbox.prune()
        while not self._stop.is_set():
            try:
                free = self._wait_for_free_threads()
                if free and self._claim_and_submit(free) == free:
                    continue  # more may be waiting
                self._watch_backlog()
            except Exception:
                logger.exception("the inbox worker failed; it tries again")
            self._stop.wait(poll)

    def _wait_for_free_threads(self) -> int:
        """Wait until a batch's worth of rows (one per thread) can be taken; how many."""
        most = 2 * self._threads
        with self._busy:
            self._busy.wait_for(
                lambda: self._in_hand <= most - self._threads or self._stop.is_set(), timeout=60
            )
            return 0 if self._stop.is_set() else most - self._in_hand

    def _claim_and_submit(self, free: int) -> int:
        claimed = self._inbox.claim(free)
        for row in claimed:
            with self._busy:
                self._in_hand += 1
            try:
                self._executor.submit(self._work_then_free, row)
            except RuntimeError:  # the executor is shutting down: the row's lease runs out
                self._inbox.release(row)
                self._freed()
        return len(claimed)

    def _work_then_free(self, row: ClaimedRequest) -> None:
        try:
            self._work(row)
        except Exception:  # the row's lease runs out and it is tried again, up to MAX_ATTEMPTS
            logger.exception("inbox request %s: replaying it failed", row.id)
            self._inbox.release(row)
        finally:
            self._freed()

    def _freed(self) -> None:
        with self._busy:
            self._in_hand -= 1
            self._busy.notify_all()

    def _watch_backlog(self) -> None:
        backlog = self._inbox.backlog()
        heavy = self._inbox.is_heavy(backlog)
        if heavy and not self._warned:
            logger.warning(
                "inbox backlog: %s waiting, %s being worked on, oldest from %s",
                backlog.waiting,
                backlog.working,
                backlog.oldest,
            )
        self._warned = heavy

    def _work(self, row: ClaimedRequest) -> None:
        if row.kind in INLINE_KINDS:
            self._inbox.finish_without_work(
                row, "answered in its ack or never acknowledged: not replayed"
            )
            return
        if row.attempt > MAX_ATTEMPTS:
            self._inbox.park(row, f"gave up after {row.attempt - 1} attempts")
            return
        request = BoltRequest(body=row.body, mode="socket_mode", context={REPLAYED: row})
        self._app.dispatch(request)
        if self._inbox.holds(row):  # no listener worked on it (each finishes or parks its row)
            self._inbox.finish_without_work(row, "no listener takes it: nothing to do")


class Heartbeat:
    """A thread renewing the leases of the requests this process holds, every third of their
    lease, until :meth:`stop`."""

    def __init__(self, inbox: InboxService) -> None:
        self._inbox = inbox
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="inbox-heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        """Start beating."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop beating (the leases then run out unless the requests are finished)."""
        self._stop.set()
        self._thread.join(timeout=10)

    def _beat(self) -> None:
        every = self._inbox.wait.total_seconds() * RENEW_EVERY
        while not self._stop.wait(every):
            try:
                self._inbox.renew()
            except Exception:  # the database is away: the next beat tries again
                logger.exception("could not renew the inbox leases; trying again")

"""The inbox worker: finishes the requests the inbox holds that nobody is working on.

Those are rows whose worker died (their lease ran out) and rows ``goalbot serve --no-work``
left for workers. Each is replayed through the Bolt app as Slack sent it (``mode=socket_mode``,
so signatures are not checked again: they were when the request arrived), and the listener's
``after_ack`` does its work in this thread (``handlers.deferred``). Runs inside ``goalbot
serve`` (a thread) and as ``goalbot worker`` (the main thread).
"""

from __future__ import annotations

import logging
import threading

from slack_bolt import App, BoltRequest

from bot.services.inbox import MAX_ATTEMPTS, InboxService
from handlers.inbox import INLINE_KINDS, REPLAYED
from storage.repositories.inbox import ClaimedRequest

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0


class InboxWorker:
    """Finishes what the inbox holds: rows whose worker died, and rows left for workers."""

    def __init__(self, app: App, inbox: InboxService, *, batch: int = 10) -> None:
        self._app, self._inbox, self._batch = app, inbox, batch
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._warned = False

    def run_once(self) -> int:
        """Claim and work on one batch; how many rows it took."""
        claimed = self._inbox.claim(self._batch)
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
        """Stop after the row in hand."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self, poll: float) -> None:
        self._inbox.prune()
        while not self._stop.is_set():
            try:
                if self.run_once() == self._batch:
                    continue  # more may be waiting
                self._watch_backlog()
            except Exception:
                logger.exception("the inbox worker failed; it tries again")
            self._stop.wait(poll)

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

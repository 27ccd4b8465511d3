"""Ack first, work after: Slack gets its answer at once; the listener's work runs later.

Every slash command, button and event is registered with :func:`after_ack`: the request
thread only acknowledges and queues the work (``process_before_response=True``, so an ack
never waits for a free worker), and the listener itself runs on :data:`AFTER_ACK`, an
:class:`AckFirstExecutor`. That executor lets requests still waiting for their ack go first:
a task waits, briefly (at most :data:`YIELD_AT_MOST` after it was queued), until no request is
in flight before it starts, so that on a busy two-core machine the CPU serves a burst's acks
before the work behind them. Under traffic that never pauses, a task that has waited that long
in the queue already does not wait again, and :data:`BUSY_SHARE` tasks run at once while
requests are in flight: the wait delays work, it never caps how much gets done (it did, at 8
tasks per 0.25 s, when every task waited its full turn after leaving the queue).
Modal submissions stay inline, since their field errors travel in the ack.
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from slack_bolt.context.respond import Respond
from slack_bolt.kwargs_injection import Args
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.inbox import AlreadyApplied, Held, InboxService, TakenOver
from handlers.inbox import INBOX, REPLAYED, STORED, InboxSetup
from storage.repositories.inbox import ClaimedRequest

logger = logging.getLogger(__name__)

SORRY = (
    "Sorry, something went wrong on goalbot's side and nothing was changed. "
    "It has been logged for the admins; please try again in a minute."
)
APPLIED_BEFORE = (
    "goalbot restarted while answering you: what you asked for was done before the restart, "
    "so it was not done again."
)
LISTENER_THREADS = 8
"""Workers for after-ack work; more would only contend for the GIL on a small machine."""
SETTLE = 0.02
"""Seconds without a new answer before a burst of requests counts as over."""
YIELD_AT_MOST = 0.25
"""Seconds after-ack work waits for in-flight requests; well inside a trigger_id's 3 s."""
BUSY_SHARE = 2
"""Tasks running at once while requests are in flight (all of them once it is quiet): under
traffic that never pauses the work goes on, two at a time, and the acks keep most of the
interpreter (measured on 2 cores: ack p99 about 0.2 s with 2, over 1 s with all 8)."""
TURN_CHECK = 0.01  # seconds between looks at the requests in flight, for a task waiting a turn


class InFlight:
    """Counts Slack requests that have not been answered yet, in this process.

    "Quiet" means none in flight and none answered in the last ``settle`` seconds: requests of
    a burst arrive a few milliseconds apart, and work started in such a gap would hold the
    interpreter while the rest of the burst waits for its ack.
    """

    def __init__(self, settle: float = SETTLE, monotonic: Callable[[], float] = time.monotonic):
        self._quiet = threading.Condition()
        self._count = 0
        self._settle = settle
        self._monotonic = monotonic
        self._last_answer = -settle

    @contextmanager
    def request(self) -> Iterator[None]:
        """Count one request for as long as it is being answered."""
        with self._quiet:
            self._count += 1
        try:
            yield
        finally:
            with self._quiet:
                self._count -= 1
                self._last_answer = self._monotonic()
                self._quiet.notify_all()

    def quiet(self) -> bool:
        """Whether no request is in flight and none was answered in the last ``settle`` s."""
        with self._quiet:
            return self._count == 0 and self._monotonic() >= self._last_answer + self._settle

    def wait_until_quiet(self, timeout: float) -> bool:
        """Wait until quiet, at most ``timeout`` seconds; True if it is."""
        deadline = self._monotonic() + timeout
        with self._quiet:
            while True:
                now = self._monotonic()
                settled = self._last_answer + self._settle - now
                if self._count == 0 and settled <= 0:
                    return True
                if now >= deadline:
                    return False
                wait = deadline - now if self._count else min(settled, deadline - now)
                self._quiet.wait(wait)


REQUESTS = InFlight()
"""The process's requests in flight: counted by the HTTP server, read by the executor."""


class AckFirstExecutor(ThreadPoolExecutor):
    """A thread pool whose tasks yield to unanswered requests before they start."""

    def __init__(
        self,
        max_workers: int,
        *,
        requests: InFlight = REQUESTS,
        yield_at_most: float = YIELD_AT_MOST,
        busy_share: int = BUSY_SHARE,
    ) -> None:
        super().__init__(max_workers, thread_name_prefix="after-ack")
        self._requests = requests
        self._yield_at_most = yield_at_most
        self._busy_share = max(1, busy_share)
        self._turns = threading.Condition()
        self._running = 0
        self._idle = threading.Condition()
        self._pending = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Queue ``fn``; it starts once requests in flight are answered, or at the latest
        ``yield_at_most`` seconds after it was queued."""
        queued = time.monotonic()

        def when_quiet() -> Any:
            try:
                left = self._yield_at_most - (time.monotonic() - queued)
                if left > 0:  # a task that waited its turn in the queue does not wait again
                    self._requests.wait_until_quiet(left)
                self._take_a_turn()
                try:
                    return fn(*args, **kwargs)
                finally:
                    self._end_turn()
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

        with self._idle:
            self._pending += 1
        try:
            return super().submit(when_quiet)
        except BaseException:
            with self._idle:
                self._pending -= 1
            raise

    def _take_a_turn(self) -> None:
        """Start a task: at once when no request is in flight, else once fewer than
        ``busy_share`` tasks run."""
        with self._turns:
            while self._running >= self._busy_share and not self._requests.quiet():
                self._turns.wait(TURN_CHECK)
            self._running += 1

    def _end_turn(self) -> None:
        with self._turns:
            self._running -= 1
            self._turns.notify()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every queued task has finished, at most ``timeout`` seconds; True if so.

        A server stopping calls this after it stops taking requests: work already acked to
        Slack finishes (with the Web API still reachable) instead of being lost or running
        into whatever starts next.
        """
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)


AFTER_ACK = AckFirstExecutor(LISTENER_THREADS)
"""The process's workers for after-ack work (threads start on first use)."""


def after_ack(
    handler: Callable[..., None], *, executor: Executor = AFTER_ACK
) -> Callable[[Args], None]:
    """A listener that acks at once and does ``handler``'s work after, from the inbox row the
    request was stored as (``handlers.inbox``).

    Use as ``app.action(ACTION_ID)(after_ack(handler))``. The handler declares the Bolt
    arguments it needs (``body``, ``respond``, ``client``...) as a normal listener does and
    must not call ``ack`` (that has happened); its errors are logged, the person is told, and
    the row is parked. Live, the work is queued on ``executor`` (or left to ``goalbot worker``
    processes); replayed by a worker, it runs at once in the worker's thread. The arguments are
    handed over as Bolt built them for this request: nothing else uses them once the ack is
    sent, so no copy is needed (Bolt's own *lazy* listeners deep-copy the whole request, which
    doubled the cost of an ack).
    """
    names = list(inspect.signature(handler).parameters)

    def work(args: Args) -> None:
        handler(**{name: getattr(args, name) for name in names})

    def ack_then_queue(args: Args) -> None:
        args.ack()
        setup: InboxSetup | None = args.context.get(INBOX)
        replayed = args.context.get(REPLAYED)
        stored = args.context.get(STORED)
        if setup is not None and replayed is not None:
            _work_stored(setup.inbox, replayed, work, args)
        elif setup is not None and stored is not None:
            if setup.take:  # its lease is renewed while it waits for a thread
                setup.inbox.hold(stored)
                try:
                    executor.submit(_work_stored, setup.inbox, stored, work, args)
                except RuntimeError:  # shutting down: the row waits for the next worker
                    setup.inbox.release(stored)
                    raise
        else:
            executor.submit(_reported, work, args)

    ack_then_queue.__name__ = getattr(handler, "__name__", "listener")
    return ack_then_queue


def stored_inline(handler: Callable[..., None]) -> Callable[[Args], None]:
    """A listener that works before its ack (a modal submission: its field errors travel in
    the ack), inside its inbox row: the effects and the row's mark commit together."""
    names = list(inspect.signature(handler).parameters)

    def listener(args: Args) -> None:
        setup: InboxSetup | None = args.context.get(INBOX)
        held = args.context.get(STORED)
        call = {name: getattr(args, name) for name in names}
        if setup is None or held is None:
            handler(**call)
            return
        try:
            with setup.inbox.working(held):
                handler(**call)
        except TakenOver:
            raise
        except Exception as error:
            setup.inbox.park(held, f"{type(error).__name__}: {error}")
            raise

    listener.__name__ = getattr(handler, "__name__", "listener")
    return listener


def _work_stored(
    inbox: InboxService, held: Held | ClaimedRequest, work: Callable[[Args], None], args: Args
) -> None:
    """Do the work of a stored request; done when it succeeds, parked when it fails."""
    try:
        with inbox.working(held):
            work(args)
    except TakenOver:
        logger.info("inbox request %s: another worker took it over; left to it", held.id)
    except AlreadyApplied:
        logger.warning("inbox request %s: applied before a restart; not applied again", held.id)
        inbox.finish_applied(held)
        _say(args, APPLIED_BEFORE)
    except Exception as error:  # noqa: BLE001 -- reported to the user, traceback logged
        report_error(error, args.body, args.respond, args.client)
        inbox.park(held, f"{type(error).__name__}: {error}")


def _reported(work: Callable[[Args], None], args: Args) -> None:
    try:
        work(args)
    except Exception as error:  # noqa: BLE001 -- reported to the user, traceback logged
        report_error(error, args.body, args.respond, args.client)


def report_error(
    error: Exception, body: dict[str, Any], respond: Respond | None, client: WebClient
) -> None:
    """Log the traceback; tell the person something went wrong without showing internals."""
    logger.error("unhandled error in a listener", exc_info=error)
    _tell(body, respond, client, SORRY)


def _say(args: Args, text: str) -> None:
    _tell(args.body, args.respond, args.client, text)


def _tell(body: dict[str, Any], respond: Respond | None, client: WebClient, text: str) -> None:
    """An ephemeral answer where the request has a response_url, else a DM."""
    try:
        if respond is not None and respond.response_url:
            respond(text=text, response_type="ephemeral", replace_original=False)
            return
        user = _who_asked(body)
        if user:
            client.chat_postMessage(channel=user, text=text)
    except (SlackApiError, OSError):
        logger.exception("could not tell the user")


def _who_asked(body: dict[str, Any]) -> str | None:
    """The Slack id of the person behind an interaction, a command or a message event."""
    interaction_user = body.get("user")
    if isinstance(interaction_user, dict) and interaction_user.get("id"):
        return str(interaction_user["id"])
    if body.get("user_id"):
        return str(body["user_id"])
    event_user = (body.get("event") or {}).get("user")
    return event_user if isinstance(event_user, str) else None

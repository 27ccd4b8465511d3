"""The durable inbox as a service: store a request before its ack, fence its effects, finish it.

What goalbot promises for each request Slack sends, once it has answered HTTP 200:

- it is stored (``store``) in the request thread before the ack goes back, so a process that
  dies after the ack leaves a row that the next start, or any other replica, finishes;
- its database effects are applied once: the first unit of work that writes while the request
  is being worked on (``working``) also marks the row applied, in the same transaction; a later
  attempt (after a crash) whose writes would apply it again is rolled back
  (:class:`AlreadyApplied`). Writes that are idempotent by themselves (an update's dedup key)
  write nothing the second time, so the second attempt rebuilds the same answer;
- a request whose key was seen before (a replay of the same signed body, or an event Slack
  retried) is acknowledged and not worked on again;
- a request that keeps failing is parked after ``MAX_ATTEMPTS`` claims, with its error.

Leases: every request this process holds (stored for its own worker, claimed, being worked on)
is leased for ``wait`` (``GOALBOT_INBOX_WAIT_SECONDS``, 30 s) and the lease is renewed
(:meth:`InboxService.renew`, every third of that, by the process's heartbeat) for as long as
it holds it. A process that dies stops renewing, so whatever it held, waiting or half done, is
taken over by any other process (or its own next start) within ``wait``; a live one keeps its
requests however long their work takes (a slow Slack call).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot.domain.clock import Clock
from storage.db import on_write, unit_of_work
from storage.repositories import digest_outbox, inbox, leases, outbox, review_posting
from storage.repositories.inbox import INBOX, Backlog, ClaimedRequest
from storage.repositories.leases import OutboxState

logger = logging.getLogger(__name__)

WAIT = timedelta(seconds=30)
"""The lease of every request a process holds (renewed while it holds it): how long the
requests of a process that died wait before any other process takes them over."""
RENEW_EVERY = 1 / 3
"""The heartbeat renews the leases this often, as a share of the lease."""
MAX_ATTEMPTS = 5
RETENTION = timedelta(days=1)
"""Done requests are kept this long: far more than Slack's 5-minute replay window."""
OUTBOXES = (outbox.CLAIMS, digest_outbox.CLAIMS, review_posting.CLAIMS)
BACKLOG_WAITING = 100
BACKLOG_AGE = timedelta(minutes=1)
"""A backlog past either is logged as a warning (and ``goalbot status`` always shows it)."""


_WORKING_ON: ContextVar[int | None] = ContextVar("goalbot_inbox_request", default=None)


def request_dedup_key(what: str) -> str | None:
    """A dedup key for a write of the request being worked on (`what` tells its writes apart),
    so that a second attempt after a crash finds the first one's write instead of repeating it;
    None outside a stored request."""
    row = _WORKING_ON.get()
    return None if row is None else f"inbox:{row}:{what}"


class TakenOver(Exception):
    """Another worker holds this request now (its lease ran out before it was renewed)."""


class AlreadyApplied(Exception):
    """An earlier attempt applied this request's database effects; this one is rolled back."""


@dataclass(frozen=True)
class Held:
    """A request this process stored for itself: enough to fence and finish it, and the lease
    its row was stored with."""

    id: int
    team_id: str
    attempt: int
    lease_until: datetime | None = None


Claim = Held | ClaimedRequest


@dataclass
class _Hold:
    """A request this process holds, and how long its lease is known to run."""

    claim: Claim
    until: datetime | None


class InboxService:
    """Stores, fences and finishes requests; claims the ones left behind; renews the leases
    of the ones this process holds."""

    def __init__(self, engine: Engine, clock: Clock, *, wait: timedelta = WAIT) -> None:
        self._engine = engine
        self._clock = clock
        self._wait = wait
        self._held: dict[int, _Hold] = {}  # by row id: what this process holds now
        self._lock = threading.Lock()

    @property
    def wait(self) -> timedelta:
        """The lease of every request this process holds (see the module's docstring)."""
        return self._wait

    def hold(self, claim: Claim) -> None:
        """Keep renewing this request's lease (it waits for this process's worker)."""
        with self._lock:
            known = self._held.get(claim.id)
            if known is None or known.claim.attempt != claim.attempt:
                self._held[claim.id] = _Hold(claim, claim.lease_until)

    def release(self, claim: Claim) -> None:
        """Stop renewing this request's lease (done, parked, or left to another worker)."""
        with self._lock:
            known = self._held.get(claim.id)
            if known is not None and known.claim.attempt == claim.attempt:
                del self._held[claim.id]

    def holds(self, claim: Claim) -> bool:
        """Whether this process still holds the request (nothing finished or released it)."""
        with self._lock:
            known = self._held.get(claim.id)
        return known is not None and known.claim.attempt == claim.attempt

    def renew(self) -> int:
        """Renew the lease of every request this process holds (the heartbeat's beat); how many.
        A request another worker took over meanwhile is dropped."""
        with self._lock:
            held = [known.claim for known in self._held.values()]
        if not held:
            return 0
        until = self._clock.now() + self._wait
        with unit_of_work(self._engine) as session:
            kept = inbox.renew(session=session, claims=held, until=until)
        with self._lock:
            for claim in held:
                known = self._held.get(claim.id)
                if known is not None and known.claim.attempt == claim.attempt and claim.id in kept:
                    known.until = until
        for claim in held:
            if claim.id not in kept:
                self.release(claim)
                logger.warning(
                    "inbox request %s: its lease ran out; another worker has it", claim.id
                )
        return len(kept)

    def _surely_mine(self, claim: Claim, now: datetime) -> bool:
        """Whether this process's lease on the request runs long enough still that nobody can
        have taken it over (and the heartbeat renews it before it runs out)."""
        with self._lock:
            known = self._held.get(claim.id)
        return (
            known is not None
            and known.claim.attempt == claim.attempt
            and known.until is not None
            and known.until - now > self._wait * RENEW_EVERY
        )

    def store(
        self, *, team_id: str, kind: str, request_key: str, body: dict[str, Any], take: bool
    ) -> Held | None:
        """Store a request before its ack; None when it was stored before (a replay).

        `take`: this process works on it (leased to it for ``wait``, renewed once :meth:`hold`
        is called); else it waits for any worker."""
        now = self._clock.now()
        lease = self._wait if take else None
        with unit_of_work(self._engine) as session:
            row_id = inbox.store(
                session=session,
                team_id=team_id,
                kind=kind,
                request_key=request_key,
                body=body,
                now=now,
                lease=lease,
            )
        if row_id is None:
            return None
        return Held(row_id, team_id, 1, now + lease if lease is not None else None)

    @contextmanager
    def working(self, held: Held | ClaimedRequest) -> Iterator[None]:
        """Do a request's work: its first writing unit of work also marks it applied (or is
        rolled back with :class:`AlreadyApplied`); on success the request is done. Raises
        :class:`TakenOver`, before any work, when another worker holds the request now. The
        request's lease is renewed while the work runs; however the work ends, this process
        no longer holds it after (done, or left to the caller to park or finish). A request
        whose lease is known to run long enough yet (just stored or claimed, or renewed by the
        heartbeat) is not re-let first: that would be one more write for every request."""
        self.hold(held)
        try:
            now = self._clock.now()
            if not self._surely_mine(held, now):
                with unit_of_work(self._engine) as session:
                    if not inbox.relet(session=session, claim=held, until=now + self._wait):
                        raise TakenOver(f"inbox request {held.id} is another worker's now")
            fence = _Fence(held.id, self._clock)
            token = _WORKING_ON.set(held.id)
            try:
                with on_write(fence):
                    yield
            finally:
                _WORKING_ON.reset(token)
            with unit_of_work(self._engine) as session:
                done = inbox.mark_done(session=session, claim=held, now=self._clock.now())
            if not done:
                logger.warning("inbox request %s: another worker finished it first", held.id)
        finally:
            self.release(held)

    def park(self, held: Held | ClaimedRequest, error: str) -> None:
        """Give up on a request, keeping why; ``goalbot status`` lists it."""
        self.release(held)
        with unit_of_work(self._engine) as session:
            leases.mark_failed(session=session, table=INBOX, claim=held, error=error)
        logger.error("inbox request %s parked: %s", held.id, error)

    def finish_applied(self, held: Held | ClaimedRequest) -> None:
        """Record as done a request an earlier attempt applied (this one was rolled back)."""
        self.release(held)
        with unit_of_work(self._engine) as session:
            inbox.mark_done(session=session, claim=held, now=self._clock.now())

    def finish_without_work(self, held: ClaimedRequest, note: str) -> None:
        """Record a request as done without working on it (a modal Slack never saw closed, or
        a request no listener takes)."""
        self.release(held)
        with unit_of_work(self._engine) as session:
            inbox.mark_done(session=session, claim=held, now=self._clock.now())
        logger.info("inbox request %s: %s", held.id, note)

    def claim(self, limit: int) -> list[ClaimedRequest]:
        """Requests left behind (a worker died) or waiting for a worker; held by this process
        (their leases renewed) until they are finished or released."""
        with unit_of_work(self._engine) as session:
            claimed = inbox.claim(
                session=session, now=self._clock.now(), lease=self._wait, limit=limit
            )
        for row in claimed:
            self.hold(row)
        return claimed

    def backlog(self) -> Backlog:
        """What waits, what is being worked on, and what is parked."""
        with unit_of_work(self._engine) as session:
            return inbox.backlog(session=session)

    def outboxes(self) -> list[OutboxState]:
        """Each outbox's rows due, leased and failed (``goalbot status``)."""
        now = self._clock.now()
        with unit_of_work(self._engine) as session:
            return [leases.state_of(session, table, now) for table in OUTBOXES]

    def is_heavy(self, backlog: Backlog) -> bool:
        """True when the backlog is past a threshold (``BACKLOG_WAITING``, ``BACKLOG_AGE``)."""
        late = backlog.oldest is not None and self._clock.now() - backlog.oldest > BACKLOG_AGE
        return backlog.waiting + backlog.working >= BACKLOG_WAITING or late

    def prune(self) -> int:
        """Delete requests done more than ``RETENTION`` ago; how many."""
        with unit_of_work(self._engine) as session:
            return inbox.prune(session=session, done_before=self._clock.now() - RETENTION)


@dataclass
class _Fence:
    """The write hook of one request: mark it applied in the first transaction that writes."""

    row_id: int
    clock: Clock
    applied: bool = False

    def __call__(self, session: Session) -> None:
        if self.applied:
            return
        if not inbox.mark_applied(session=session, row_id=self.row_id, now=self.clock.now()):
            raise AlreadyApplied(f"inbox request {self.row_id} was applied by an earlier attempt")
        self.applied = True

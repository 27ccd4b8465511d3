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
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot.domain.clock import Clock
from storage.db import on_write, unit_of_work
from storage.repositories import digest_outbox, inbox, leases, outbox, review_posting
from storage.repositories.inbox import INBOX, Backlog, ClaimedRequest
from storage.repositories.leases import OutboxState

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
"""How long a worker holds a request it works on; a dead worker's are taken over after this."""
WAIT = timedelta(seconds=30)
"""How long a request stored by the serving process waits for that process's own worker before
any other may take it over (a process killed after its ack leaves its requests this long)."""
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
    """Another worker holds this request now (it waited longer than its lease)."""


class AlreadyApplied(Exception):
    """An earlier attempt applied this request's database effects; this one is rolled back."""


@dataclass(frozen=True)
class Held:
    """A request this process is working on: enough to fence and finish it."""

    id: int
    team_id: str
    attempt: int


class InboxService:
    """Stores, fences and finishes requests; claims the ones left behind."""

    def __init__(self, engine: Engine, clock: Clock, *, wait: timedelta = WAIT) -> None:
        self._engine = engine
        self._clock = clock
        self._wait = wait

    def store(
        self, *, team_id: str, kind: str, request_key: str, body: dict[str, Any], take: bool
    ) -> Held | None:
        """Store a request before its ack; None when it was stored before (a replay).

        `take`: this process works on it at once (leased to it); else it waits for a worker."""
        with unit_of_work(self._engine) as session:
            row_id = inbox.store(
                session=session,
                team_id=team_id,
                kind=kind,
                request_key=request_key,
                body=body,
                now=self._clock.now(),
                lease=self._wait if take else None,
            )
        return None if row_id is None else Held(row_id, team_id, 1)

    @contextmanager
    def working(self, held: Held | ClaimedRequest) -> Iterator[None]:
        """Do a request's work: its first writing unit of work also marks it applied (or is
        rolled back with :class:`AlreadyApplied`); on success the request is done. Raises
        :class:`TakenOver`, before any work, when another worker holds the request now."""
        with unit_of_work(self._engine) as session:
            now = self._clock.now()
            if not inbox.relet(session=session, claim=held, until=now + LEASE):
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

    def park(self, held: Held | ClaimedRequest, error: str) -> None:
        """Give up on a request, keeping why; ``goalbot status`` lists it."""
        with unit_of_work(self._engine) as session:
            leases.mark_failed(session=session, table=INBOX, claim=held, error=error)
        logger.error("inbox request %s parked: %s", held.id, error)

    def finish_applied(self, held: Held | ClaimedRequest) -> None:
        """Record as done a request an earlier attempt applied (this one was rolled back)."""
        with unit_of_work(self._engine) as session:
            inbox.mark_done(session=session, claim=held, now=self._clock.now())

    def finish_without_work(self, held: ClaimedRequest, note: str) -> None:
        """Record a request as done without working on it (a modal Slack never saw closed)."""
        with unit_of_work(self._engine) as session:
            inbox.mark_done(session=session, claim=held, now=self._clock.now())
        logger.info("inbox request %s: %s", held.id, note)

    def claim(self, limit: int) -> list[ClaimedRequest]:
        """Requests left behind (a worker died) or waiting for a worker."""
        with unit_of_work(self._engine) as session:
            return inbox.claim(session=session, now=self._clock.now(), lease=LEASE, limit=limit)

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

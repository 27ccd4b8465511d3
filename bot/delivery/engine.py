"""The delivery engine: claim due rows under a lease, post each once, record what happened.

Every outbox (the DM outbox of check-ins, reminders, escalations and close-outs; digests;
review threads) is delivered by :func:`deliver_due` through an :class:`Outbox`: the part that
knows its table, how to compose its message and how to record it as posted. The engine owns
everything else, the same for all of them:

- **Exactly once.** A row is posted only by the claim that holds it, and every write after the
  post is fenced by that claim's attempt number (``storage.repositories.leases``). A row whose
  outcome is unknown (a crash after the claim, a timeout, Slack's ``internal_error``) stays
  ``sending``; when its lease runs out, the next claim first looks for the message by its tag
  (``bot.delivery.tags``) and records it as sent if it is there. An outbox that cannot look
  (``looks_up=False``: the digest, whose thread follows its main message) records such a row
  as failed rather than risk a second post.
- **Slack's answers.** Rate limited: back to pending after Retry-After, the pacer paused. A
  transient refusal: retried after ``retry_delay``, up to ``max_attempts``. A permanent one:
  failed, with the outbox's explanation. Too late (``late_limit``): skipped.
- **Leases.** No new post once half of the lease has gone, so a slow sender cannot race the
  claim that recovers its rows.

Residual windows: a sender stalled past its lease while its post is in flight can race the
recovering claim (hence a long lease); a message Slack accepted but does not yet list in
``conversations.history`` is posted again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

from sqlalchemy import Engine, Table
from sqlmodel import Session

from bot.delivery.outcomes import Outcome, SendReport
from bot.delivery.pacing import NoPacing, Pacer
from bot.delivery.types import (
    DeliveryUncertain,
    OutgoingMessage,
    Poster,
    PostRejected,
    PostResult,
    RateLimited,
)
from bot.domain.clock import Clock
from storage.db import unit_of_work
from storage.repositories import leases

logger = logging.getLogger(__name__)

UNSURE = (
    "the post may have reached Slack before goalbot could record it; "
    "not posted again, to avoid a duplicate"
)


C = TypeVar("C", bound=leases.Claimed)


@dataclass(frozen=True)
class Skip:
    """Nothing to post for this row: record it as skipped, with the reason."""

    reason: str


@dataclass(frozen=True)
class Fail:
    """This row can never be posted: record it as failed, with the reason."""

    error: str


@dataclass(frozen=True)
class Lost:
    """Another claim holds the row now (a fenced write while composing found it gone)."""


Composed = OutgoingMessage | Skip | Fail | Lost


@dataclass(frozen=True)
class DeliveryPolicy:
    """Leases, batches, retries and limits of one outbox."""

    lease: timedelta = timedelta(minutes=10)  # a crashed sender's rows are recovered after it
    batch: int = 20  # rows claimed per transaction
    max_rows: int | None = None  # rows one pass may claim (None: until none is left)
    max_attempts: int = 5  # claims of one row before it is marked failed
    late_limit: timedelta | None = None  # older than this at send time: skipped
    retry_delay: timedelta = timedelta(minutes=1)  # after a retryable rejection
    recheck_delay: timedelta = timedelta(minutes=2)  # before looking for an unsure post
    looks_up: bool = True  # an unsure post is looked for later (else: failed as unsure)


class Outbox(Protocol[C]):
    """One outbox: its table, its claims, its messages and how a post is recorded."""

    label: str  # for logs: "check-in", "digest", "review"
    table: Table
    engine: Engine
    clock: Clock
    poster: Poster
    policy: DeliveryPolicy

    def claim(self, session: Session, *, now: datetime, limit: int) -> list[C]:
        """Lease up to `limit` rows: expired leases first, then due ones."""
        ...

    def find_earlier(self, claim: C) -> PostResult | None:
        """The message an earlier claim of this row posted, if any; raises RateLimited,
        PostRejected or DeliveryUncertain when Slack cannot tell."""
        ...

    def compose(self, claim: C) -> Composed:
        """The message to post for this row (tagged), or why there is none."""
        ...

    def before_post(self, session: Session, claim: C) -> bool:
        """Note, fenced, that the post is about to happen; False when the lease is lost."""
        ...

    def record(self, session: Session, claim: C, result: PostResult, outcome: Outcome) -> bool:
        """Record the row as posted, or found posted (and what goes with it, in the same unit
        of work); False when the lease is lost."""
        ...

    def after_post(self, claim: C, result: PostResult) -> bool:
        """What follows a new post (a digest's thread), then its final record."""
        ...

    def refusal(self, claim: C, exc: PostRejected) -> str:
        """What to keep, and tell, of a permanent refusal."""
        ...


@dataclass(kw_only=True)
class BaseOutbox(Generic[C]):
    """What every :class:`Outbox` holds, and its defaults: no note before posting, nothing
    after it, refusals as Slack words them."""

    engine: Engine
    clock: Clock
    poster: Poster
    policy: DeliveryPolicy
    team_id: str | None = None  # one workspace's rows, or every workspace's (the tick)

    def before_post(self, session: Session, claim: C) -> bool:
        """Nothing to note."""
        return True

    def after_post(self, claim: C, result: PostResult) -> bool:
        """Nothing follows."""
        return True

    def refusal(self, claim: C, exc: PostRejected) -> str:
        """Slack's error code."""
        return exc.error


@dataclass
class _Pass(Generic[C]):
    outbox: Outbox[C]
    pacer: Pacer
    report: SendReport = field(default_factory=SendReport)

    @property
    def engine(self) -> Engine:
        return self.outbox.engine

    @property
    def clock(self) -> Clock:
        return self.outbox.clock

    @property
    def poster(self) -> Poster:
        return self.outbox.poster


def deliver_due(
    outbox: Outbox[C], *, pacer: Pacer | None = None, max_batches: int | None = None
) -> SendReport:
    """Claim and deliver an outbox's due rows, a batch at a time, until none is left (or
    `max_batches`, or the policy's `max_rows`). Keep one `pacer` across calls."""
    run = _Pass(outbox, pacer or NoPacing())
    engine, clock, policy = outbox.engine, outbox.clock, outbox.policy
    while max_batches is None or run.report.batches < max_batches:
        limit = policy.batch
        if policy.max_rows is not None:
            limit = min(limit, policy.max_rows - run.report.claimed)
            if limit <= 0:
                break
        with unit_of_work(engine) as session:
            claimed = outbox.claim(session, now=clock.now(), limit=limit)
        if not claimed:
            break
        run.report.add_batch(len(claimed))
        _deliver_batch(run, claimed)
    return run.report


def _deliver_batch(run: _Pass[C], claimed: list[C]) -> None:
    """Deliver each row; if one raises, hand back the rows not yet started, then re-raise."""
    started = 0
    try:
        for claim in claimed:
            started += 1
            run.report.count(claim.id, _deliver_safely(run, claim))
    finally:
        if started < len(claimed):
            _hand_back(run, claimed[started:])


def _hand_back(run: _Pass[C], unstarted: list[C]) -> None:
    """Return rows this claim never tried to pending; rows in doubt stay for their lookup."""
    with unit_of_work(run.engine) as session:
        now = run.clock.now()
        for claim in unstarted:
            if not claim.recovering:
                leases.release(
                    session=session,
                    table=run.outbox.table,
                    claim=claim,
                    retry_at=now,
                    count_attempt=False,
                )


def _deliver_safely(run: _Pass[C], claim: C) -> Outcome:
    """Deliver one row, turning what Slack said into the row's next state."""
    try:
        return _deliver(run, claim)
    except RateLimited as exc:
        run.pacer.pause(exc.retry_after)
        retry_at = run.clock.now() + timedelta(seconds=exc.retry_after)
        return _release(run, claim, Outcome.RETRY, retry_at, count_attempt=False, error=str(exc))
    except PostRejected as exc:
        return _rejected(run, claim, exc)
    except _LookupFailed as exc:
        return _lookup_failed(run, claim, str(exc))
    except DeliveryUncertain as exc:
        logger.warning("%s %s may or may not be posted: %s", run.outbox.label, claim.id, exc)
        if not run.outbox.policy.looks_up:
            return _fail(run, claim, f"{exc}; {UNSURE}", Outcome.UNSURE)
        return _hold(run, claim, str(exc))


def _deliver(run: _Pass[C], claim: C) -> Outcome:
    """Look for an earlier post if in doubt, then skip, give up or post."""
    policy = run.outbox.policy
    if claim.recovering:
        found = _find_earlier(run, claim)
        if found is not None:
            return _record(run, claim, found, Outcome.FOUND)
        if not policy.looks_up:
            logger.warning("%s %s: %s", run.outbox.label, claim.id, UNSURE)
            return _fail(run, claim, UNSURE, Outcome.UNSURE)
    now = run.clock.now()
    if policy.late_limit is not None and now - claim.due_at > policy.late_limit:
        return _write(run, claim, leases.mark_skipped, Outcome.SKIPPED, reason="late")
    if claim.attempt > policy.max_attempts:
        return _fail(run, claim, f"gave up after {claim.attempt - 1} attempts", Outcome.FAILED)
    composed = run.outbox.compose(claim)
    if isinstance(composed, Lost):
        return Outcome.LOST
    if isinstance(composed, Skip):
        return _write(run, claim, leases.mark_skipped, Outcome.SKIPPED, reason=composed.reason)
    if isinstance(composed, Fail):
        run.report.errors[claim.id] = composed.error
        return _fail(run, claim, composed.error, Outcome.FAILED)
    if not _lease_allows_post(run, claim):
        return _release(run, claim, Outcome.DEFERRED, now, count_attempt=False)
    if not _held(run, claim, run.outbox.before_post):
        return Outcome.LOST
    return _record(run, claim, run.poster.post(composed), Outcome.SENT)


def _find_earlier(run: _Pass[C], claim: C) -> PostResult | None:
    """The message an earlier claim may have posted; raises when Slack cannot tell us."""
    try:
        return run.outbox.find_earlier(claim)
    except (RateLimited, PostRejected, DeliveryUncertain) as exc:
        raise _LookupFailed(f"could not look for an earlier post: {exc}") from exc


class _LookupFailed(Exception):
    """Slack could not say whether an earlier claim posted the message."""


def _lease_allows_post(run: _Pass[C], claim: C) -> bool:
    """Wait for the pacer; True while at least half of the lease is left for the post."""
    run.pacer.acquire()
    return run.clock.now() < claim.lease_until - run.outbox.policy.lease / 2


def _record(run: _Pass[C], claim: C, result: PostResult, outcome: Outcome) -> Outcome:
    """Record the post in one unit of work; LOST when another claim has the row now."""
    with unit_of_work(run.engine) as session:
        held = run.outbox.record(session, claim, result, outcome)
    if not held:
        logger.warning("%s %s: lease lost before recording it", run.outbox.label, claim.id)
        return Outcome.LOST
    if outcome == Outcome.SENT and not run.outbox.after_post(claim, result):
        return Outcome.LOST
    return outcome


def _rejected(run: _Pass[C], claim: C, exc: PostRejected) -> Outcome:
    """Retry a transient rejection later; fail a permanent one (or one retried too often)."""
    policy = run.outbox.policy
    if exc.retryable and claim.attempt < policy.max_attempts:
        retry_at = run.clock.now() + policy.retry_delay
        return _release(run, claim, Outcome.RETRY, retry_at, count_attempt=True, error=exc.error)
    error = run.outbox.refusal(claim, exc)
    run.report.errors[claim.id] = error
    return _fail(run, claim, error, Outcome.FAILED)


def _lookup_failed(run: _Pass[C], claim: C, error: str) -> Outcome:
    """Look again later; after too many tries, give up rather than risk a second post."""
    if claim.attempt >= run.outbox.policy.max_attempts:
        error = f"could not tell whether it was posted; gave up: {error}"
        run.report.errors[claim.id] = error
        return _fail(run, claim, error, Outcome.FAILED)
    return _hold(run, claim, error)


def _hold(run: _Pass[C], claim: C, error: str) -> Outcome:
    """Keep a row in doubt in `sending`, to be looked for after the recheck delay."""
    check_at = run.clock.now() + run.outbox.policy.recheck_delay
    return _write(run, claim, leases.hold_unsure, Outcome.UNSURE, check_at=check_at, error=error)


def _release(
    run: _Pass[C],
    claim: C,
    outcome: Outcome,
    retry_at: datetime,
    *,
    count_attempt: bool,
    error: str | None = None,
) -> Outcome:
    return _write(
        run,
        claim,
        leases.release,
        outcome,
        retry_at=retry_at,
        count_attempt=count_attempt,
        error=error,
    )


def _fail(run: _Pass[C], claim: C, error: str, outcome: Outcome) -> Outcome:
    return _write(run, claim, leases.mark_failed, outcome, error=error)


def _held(run: _Pass[C], claim: C, write: Callable[[Session, C], bool]) -> bool:
    """Run a fenced write of the outbox's in its own unit of work."""
    with unit_of_work(run.engine) as session:
        held = write(session, claim)
    if not held:
        logger.warning("%s %s: lease lost; another replica has it now", run.outbox.label, claim.id)
    return held


def _write(
    run: _Pass[C],
    claim: C,
    write: Callable[..., bool],
    outcome: Outcome,
    **values: object,
) -> Outcome:
    """Record an outcome in its own transaction; LOST when another claim has the row now."""
    with unit_of_work(run.engine) as session:
        held = write(session=session, table=run.outbox.table, claim=claim, **values)
    if not held:
        logger.warning("%s %s: lease lost before recording %s", run.outbox.label, claim.id, outcome)
    return outcome if held else Outcome.LOST

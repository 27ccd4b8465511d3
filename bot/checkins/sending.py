"""Sending: claim due outbox rows under a lease, post each once, record what happened.

Exactly once: a row is posted only by the claim that holds it, and every write after the post
is fenced by that claim's attempt number. A row whose outcome is unknown (a crash after the
claim, a timeout, Slack's ``internal_error``) stays ``sending``; when its lease runs out the
next claim first looks for the message in the DM by its metadata and records it as sent if it
is there. Residual windows: a sender stalled past its lease while its post is in flight can
race the recovering claim (hence a long lease, and no new post once half of it has gone); and
a message Slack accepted but does not yet list in ``conversations.history`` is posted again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from bot.checkins.capping import CAP_REASON, over_weekly_cap
from bot.delivery.outcomes import Outcome, SendReport
from bot.delivery.pacing import Pacer, TokenBucket
from bot.delivery.types import (
    Composer,
    DeliveryUncertain,
    Poster,
    PostRejected,
    PostResult,
    RateLimited,
    tagged,
)
from bot.domain.clock import Clock
from bot.rhythm import DEFAULT_LATE_LIMIT
from storage.db import unit_of_work
from storage.repositories import outbox
from storage.repositories.outbox import ClaimedDelivery

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 20
"""Rows claimed per transaction: at 5 posts a second, four seconds of work."""

DEFAULT_LEASE = timedelta(minutes=10)
"""How long a claim holds its rows; a crashed sender's rows are recovered after this."""


@dataclass(frozen=True)
class SendPolicy:
    """Retries and limits for sending."""

    max_attempts: int = 5  # claims of one row before it is marked failed
    late_limit: timedelta = DEFAULT_LATE_LIMIT  # older than this at send time: skipped
    retry_delay: timedelta = timedelta(minutes=1)  # after a retryable rejection
    recheck_delay: timedelta = timedelta(minutes=2)  # before looking for an unsure post
    clock_skew: timedelta = timedelta(minutes=5)  # look this far before due_at in the DM


@dataclass(frozen=True)
class _Sender:
    engine: Engine
    clock: Clock
    poster: Poster
    composer: Composer
    pacer: Pacer
    lease: timedelta
    policy: SendPolicy


def send_due(
    engine: Engine,
    clock: Clock,
    poster: Poster,
    composer: Composer,
    *,
    batch: int = DEFAULT_BATCH,
    lease: timedelta = DEFAULT_LEASE,
    pacer: Pacer | None = None,
    policy: SendPolicy | None = None,
    max_batches: int | None = None,
    team_id: str | None = None,
) -> SendReport:
    """Claim and deliver due check-ins, a batch at a time, until none is left (or max_batches).

    Keep one `pacer` across calls (the default is a fresh ``TokenBucket`` per call).
    """
    sender = _Sender(
        engine, clock, poster, composer, pacer or TokenBucket(), lease, policy or SendPolicy()
    )
    report = SendReport()
    while max_batches is None or report.batches < max_batches:
        with unit_of_work(engine) as session:
            now = clock.now()
            claimed = outbox.claim_due(
                session=session, now=now, lease=lease, limit=batch, team_id=team_id
            )
        if not claimed:
            break
        report.add_batch(len(claimed))
        _deliver_batch(sender, claimed, report)
    return report


def _deliver_batch(sender: _Sender, claimed: list[ClaimedDelivery], report: SendReport) -> None:
    """Deliver each row; if one raises, hand back the rows not yet started, then re-raise."""
    started = 0
    try:
        for delivery in claimed:
            started += 1
            report.count(_deliver_safely(sender, delivery))
    finally:
        if started < len(claimed):
            _hand_back(sender, claimed[started:])


def _hand_back(sender: _Sender, unstarted: list[ClaimedDelivery]) -> None:
    """Return rows this claim never tried to pending; rows in doubt stay for their lookup."""
    with unit_of_work(sender.engine) as session:
        now = sender.clock.now()
        for delivery in unstarted:
            if not delivery.recovering:
                outbox.release(session=session, claim=delivery, retry_at=now, count_attempt=False)


def _deliver_safely(sender: _Sender, delivery: ClaimedDelivery) -> Outcome:
    """Deliver one row, turning what Slack said into the row's next state."""
    try:
        return _deliver(sender, delivery)
    except RateLimited as exc:
        sender.pacer.pause(exc.retry_after)
        retry_at = sender.clock.now() + timedelta(seconds=exc.retry_after)
        return _write(
            sender,
            outbox.release,
            delivery,
            Outcome.RETRY,
            retry_at=retry_at,
            count_attempt=False,
            error=str(exc),
        )
    except PostRejected as exc:
        return _rejected(sender, delivery, exc)
    except _LookupFailed as exc:
        return _lookup_failed(sender, delivery, str(exc))
    except DeliveryUncertain as exc:
        logger.warning("check-in %s may or may not be posted: %s", delivery.id, exc)
        return _hold(sender, delivery, str(exc))


def _deliver(sender: _Sender, delivery: ClaimedDelivery) -> Outcome:
    """Look for an earlier post if in doubt, then skip, give up or post."""
    if delivery.recovering:
        found = _find_earlier(sender, delivery)
        if found is not None:
            return _sent(sender, delivery, found, Outcome.FOUND)
    now = sender.clock.now()
    if now - delivery.due_at > sender.policy.late_limit:
        return _write(sender, outbox.mark_skipped, delivery, Outcome.SKIPPED, reason="late")
    if delivery.attempt > sender.policy.max_attempts:
        error = f"gave up after {delivery.attempt - 1} attempts"
        return _write(sender, outbox.mark_failed, delivery, Outcome.FAILED, error=error)
    message = sender.composer(delivery)
    if message is None:
        return _write(sender, outbox.mark_skipped, delivery, Outcome.SKIPPED, reason="nothing due")
    if over_weekly_cap(sender.engine, now, delivery, message.channel):
        return _write(sender, outbox.mark_skipped, delivery, Outcome.SKIPPED, reason=CAP_REASON)
    if not _lease_allows_post(sender, delivery):
        return _write(
            sender, outbox.release, delivery, Outcome.DEFERRED, retry_at=now, count_attempt=False
        )
    return _sent(sender, delivery, sender.poster.post(tagged(message, delivery.id)), Outcome.SENT)


def _find_earlier(sender: _Sender, delivery: ClaimedDelivery) -> PostResult | None:
    """The message an earlier claim may have posted; raises when Slack cannot tell us."""
    try:
        return sender.poster.find_posted(
            delivery_id=delivery.id,
            user_id=delivery.slack_user_id,
            channel=delivery.known_channel,
            since=delivery.due_at - sender.policy.clock_skew,
        )
    except (RateLimited, PostRejected, DeliveryUncertain) as exc:
        raise _LookupFailed(f"could not look for an earlier post: {exc}") from exc


class _LookupFailed(Exception):
    """Slack could not say whether an earlier claim posted the message."""


def _lease_allows_post(sender: _Sender, delivery: ClaimedDelivery) -> bool:
    """Wait for the pacer; True while at least half of the lease is left for the post."""
    sender.pacer.acquire()
    return sender.clock.now() < delivery.lease_until - sender.lease / 2


def _sent(
    sender: _Sender, delivery: ClaimedDelivery, result: PostResult, outcome: Outcome
) -> Outcome:
    return _write(
        sender,
        outbox.mark_sent,
        delivery,
        outcome,
        channel=result.channel,
        message_ts=result.ts,
        sent_at=sender.clock.now(),
    )


def _rejected(sender: _Sender, delivery: ClaimedDelivery, exc: PostRejected) -> Outcome:
    """Retry a transient rejection later; fail a permanent one (or one retried too often)."""
    if exc.retryable and delivery.attempt < sender.policy.max_attempts:
        retry_at = sender.clock.now() + sender.policy.retry_delay
        return _write(
            sender,
            outbox.release,
            delivery,
            Outcome.RETRY,
            retry_at=retry_at,
            count_attempt=True,
            error=exc.error,
        )
    return _write(sender, outbox.mark_failed, delivery, Outcome.FAILED, error=exc.error)


def _lookup_failed(sender: _Sender, delivery: ClaimedDelivery, error: str) -> Outcome:
    """Look again later; after too many tries, give up rather than risk a second post."""
    if delivery.attempt >= sender.policy.max_attempts:
        error = f"could not tell whether it was posted; gave up: {error}"
        return _write(sender, outbox.mark_failed, delivery, Outcome.FAILED, error=error)
    return _hold(sender, delivery, error)


def _hold(sender: _Sender, delivery: ClaimedDelivery, error: str) -> Outcome:
    """Keep a row in doubt in `sending`, to be looked for after the recheck delay."""
    check_at = sender.clock.now() + sender.policy.recheck_delay
    return _write(
        sender, outbox.hold_unsure, delivery, Outcome.UNSURE, check_at=check_at, error=error
    )


def _write(
    sender: _Sender,
    write: Callable[..., bool],
    delivery: ClaimedDelivery,
    outcome: Outcome,
    **values: object,
) -> Outcome:
    """Record an outcome in its own transaction; LOST when another claim has the row now."""
    with unit_of_work(sender.engine) as session:
        held = write(session=session, claim=delivery, **values)
    if not held:
        logger.warning("check-in %s: lease lost before recording %s", delivery.id, outcome)
    return outcome if held else Outcome.LOST

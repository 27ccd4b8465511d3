"""Posting due digests: claim a row under a lease, build it, post it once, then its thread.

Never twice: the main message is posted only by the claim holding the row, right after the
row is marked ``posting``, and its ``ts`` is recorded as soon as Slack returns it. A row found
later in ``sending`` with its ``ts`` is recorded as sent (its thread may lack a part); one
found ``posting`` without a ``ts`` may or may not be in the channel, so it is recorded as
failed rather than posted again. A post Slack refused (rate limited, or a transient error)
is retried; a permanent refusal (``channel_not_found``, ``not_in_channel``…) fails the row.
Overflow replies and the chart follow in the thread; their failures are logged and noted on
the row, and a missing ``files:write`` scope only leaves the chart out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import Engine

from bot.blocks.message import Message
from bot.delivery.outcomes import Outcome
from bot.delivery.types import DeliveryUncertain, PostRejected, RateLimited
from bot.digest.chart import render_png
from bot.digest.service import BuiltDigest, build_digest
from bot.digest.slack_poster import MISSING_SCOPE
from bot.digest.weeks import DIGEST_LATE_LIMIT, TOO_LATE
from bot.domain.clock import Clock
from bot.domain.errors import NotFound
from storage.db import unit_of_work
from storage.repositories import digest_outbox as rows
from storage.repositories.digest_outbox import ClaimedDigest

logger = logging.getLogger(__name__)

METADATA_EVENT_TYPE = "goalbot_digest"
DEFAULT_LEASE = timedelta(minutes=10)
DEFAULT_BATCH = 5
UNSURE = (
    "the post may have reached Slack before goalbot could record it; "
    "not posted again, to avoid a duplicate"
)


class DigestPoster(Protocol):
    """Posts a digest's messages and uploads its chart (see ``bot.digest.slack_poster``)."""

    def post(
        self,
        channel: str,
        message: Message,
        *,
        thread_ts: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> str:
        """Post one message; its ``ts``. Raises RateLimited, PostRejected, DeliveryUncertain."""
        ...

    def upload_chart(
        self, channel: str, thread_ts: str, png: bytes, *, filename: str, title: str, alt_text: str
    ) -> None:
        """Upload a PNG into a thread."""
        ...


@dataclass(frozen=True)
class DigestPolicy:
    """Retries and limits for posting digests."""

    max_attempts: int = 5
    late_limit: timedelta = DIGEST_LATE_LIMIT
    retry_delay: timedelta = timedelta(minutes=1)


@dataclass
class DigestSendReport:
    """One sending pass: rows claimed, what became of each, charts uploaded."""

    claimed: int = 0
    outcomes: dict[Outcome, int] = field(default_factory=dict)
    charts: int = 0

    def count(self, outcome: Outcome) -> None:
        """Count one row's outcome."""
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    @property
    def posted(self) -> int:
        """Digests posted by this pass."""
        return self.outcomes.get(Outcome.SENT, 0)


@dataclass(frozen=True)
class _Sender:
    engine: Engine
    clock: Clock
    poster: DigestPoster
    policy: DigestPolicy


def digest_metadata(digest_id: int) -> dict[str, Any]:
    """Slack message metadata naming the digest row."""
    return {"event_type": METADATA_EVENT_TYPE, "event_payload": {"digest_id": digest_id}}


def send_due_digests(
    engine: Engine,
    clock: Clock,
    poster: DigestPoster,
    *,
    lease: timedelta = DEFAULT_LEASE,
    batch: int = DEFAULT_BATCH,
    policy: DigestPolicy | None = None,
    team_id: str | None = None,
) -> DigestSendReport:
    """Claim and post due digests, a batch at a time, until none is left."""
    sender = _Sender(engine, clock, poster, policy or DigestPolicy())
    report = DigestSendReport()
    while True:
        with unit_of_work(engine) as session:
            claimed = rows.claim_due_digests(
                session=session, now=clock.now(), lease=lease, limit=batch, team_id=team_id
            )
        if not claimed:
            return report
        report.claimed += len(claimed)
        for claim in claimed:
            report.count(_deliver(sender, claim, report))


def _deliver(sender: _Sender, claim: ClaimedDigest, report: DigestSendReport) -> Outcome:
    """Recover, skip, give up, or build and post one digest."""
    if claim.recovering:
        return _recover(sender, claim)
    now = sender.clock.now()
    if now - claim.due_at > sender.policy.late_limit:
        return _write(sender, rows.mark_skipped, claim, Outcome.SKIPPED, reason=TOO_LATE)
    if claim.attempt > sender.policy.max_attempts:
        error = f"gave up after {claim.attempt - 1} attempts"
        return _write(sender, rows.mark_failed, claim, Outcome.FAILED, error=error)
    try:
        with unit_of_work(sender.engine) as session:
            built = build_digest(
                session, claim.team_id, claim.unit_id, now, week_key=claim.week_key, with_chart=True
            )
    except NotFound as exc:
        return _write(sender, rows.mark_failed, claim, Outcome.FAILED, error=exc.message)
    return _post(sender, claim, built, report)


def _recover(sender: _Sender, claim: ClaimedDigest) -> Outcome:
    """An earlier claim lost this row mid-way: finish it without posting it twice."""
    if claim.message_ts is not None:
        note = "recovered after an interruption: its thread may be incomplete"
        logger.warning("digest %s: %s", claim.id, note)
        return _write(
            sender, rows.mark_sent, claim, Outcome.FOUND, sent_at=sender.clock.now(), note=note
        )
    logger.warning("digest %s: %s", claim.id, UNSURE)
    return _write(sender, rows.mark_failed, claim, Outcome.UNSURE, error=UNSURE)


def _post(
    sender: _Sender, claim: ClaimedDigest, built: BuiltDigest, report: DigestSendReport
) -> Outcome:
    if not _held(sender, rows.mark_posting, claim):
        return Outcome.LOST
    try:
        ts = sender.poster.post(
            claim.channel_id, built.messages.main, metadata=digest_metadata(claim.id)
        )
    except RateLimited as exc:
        retry = sender.clock.now() + timedelta(seconds=exc.retry_after)
        return _write(
            sender, rows.release, claim, Outcome.RETRY, retry_at=retry, error=str(exc), count=False
        )
    except PostRejected as exc:
        if exc.retryable and claim.attempt < sender.policy.max_attempts:
            retry = sender.clock.now() + sender.policy.retry_delay
            return _write(
                sender,
                rows.release,
                claim,
                Outcome.RETRY,
                retry_at=retry,
                error=exc.error,
                count=True,
            )
        return _write(sender, rows.mark_failed, claim, Outcome.FAILED, error=exc.error)
    except DeliveryUncertain as exc:
        logger.warning("digest %s may or may not be posted: %s", claim.id, exc)
        return _write(sender, rows.mark_failed, claim, Outcome.UNSURE, error=f"{exc}; {UNSURE}")
    if not _held(sender, rows.record_posted, claim, message_ts=ts):
        return Outcome.LOST
    notes = _thread(sender, claim, built, ts, report)
    note = "; ".join(notes) or None
    return _write(
        sender, rows.mark_sent, claim, Outcome.SENT, sent_at=sender.clock.now(), note=note
    )


def _thread(
    sender: _Sender, claim: ClaimedDigest, built: BuiltDigest, ts: str, report: DigestSendReport
) -> list[str]:
    """Post the overflow replies and the chart in the digest's thread; what went wrong."""
    notes: list[str] = []
    for number, reply in enumerate(built.messages.thread, start=2):
        try:
            sender.poster.post(claim.channel_id, reply, thread_ts=ts)
        except (RateLimited, PostRejected, DeliveryUncertain) as exc:
            logger.warning("digest %s: part %s not posted in its thread: %s", claim.id, number, exc)
            notes.append(f"part {number} not posted: {exc}")
            break
    if built.chart is not None:
        notes += _chart(sender, claim, built, ts, report)
    return notes


def _chart(
    sender: _Sender, claim: ClaimedDigest, built: BuiltDigest, ts: str, report: DigestSendReport
) -> list[str]:
    chart = built.chart
    assert chart is not None
    try:
        sender.poster.upload_chart(
            claim.channel_id,
            ts,
            render_png(chart),
            filename=f"digest-{claim.week_key}.png",
            title=chart.title,
            alt_text=chart.alt_text,
        )
    except PostRejected as exc:
        if exc.error == MISSING_SCOPE:
            logger.warning(
                "digest %s posted without its chart: the Slack app lacks the files:write "
                "scope (add it in the app's OAuth settings and reinstall)",
                claim.id,
            )
            return ["chart left out: the app lacks the files:write scope"]
        logger.warning("digest %s: chart not uploaded: %s", claim.id, exc.error)
        return [f"chart not uploaded: {exc.error}"]
    except (RateLimited, DeliveryUncertain) as exc:
        logger.warning("digest %s: chart not uploaded: %s", claim.id, exc)
        return [f"chart not uploaded: {exc}"]
    report.charts += 1
    return []


def _held(
    sender: _Sender, write: Callable[..., bool], claim: ClaimedDigest, **values: object
) -> bool:
    with unit_of_work(sender.engine) as session:
        held = write(session=session, claim=claim, **values)
    if not held:
        logger.warning("digest %s: lease lost; another replica has it now", claim.id)
    return held


def _write(
    sender: _Sender,
    write: Callable[..., bool],
    claim: ClaimedDigest,
    outcome: Outcome,
    **values: object,
) -> Outcome:
    """Record an outcome in its own transaction; LOST when another claim holds the row now."""
    return outcome if _held(sender, write, claim, **values) else Outcome.LOST

"""Wiring the check-in tick to Slack: the poster, the composer and a pacer that lasts.

Each tick first opens and posts the quarterly reviews that are due (``bot.reviews``), whose
close-out DMs then go out through the check-in outbox in the same tick. Then the weekly digests
that are due are planned and posted (``bot.digest``), even when the check-ins failed. What
each part did, and how long the tick took, goes to ``goalbot.metrics``.

Every post of every part is paced by one pacer (:func:`make_pacer`): on PostgreSQL a budget
shared by every replica through the database (``bot.delivery.budget``), so that all of them
together post at most ``GOALBOT_SEND_PER_MINUTE``; on SQLite, which one process serves, the
process's own token bucket, as before (no write to the database per post, which would
contend with every request's unit of work for SQLite's single writer lock).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.application import Services
from bot.checkins.compose import CheckinComposer
from bot.checkins.tick import TickReport, run_tick
from bot.delivery.budget import shared_per_minute
from bot.delivery.pacing import Pacer, TokenBucket, per_minute
from bot.delivery.slack import SlackPoster
from bot.delivery.types import Poster
from bot.digest.tick import DigestTickReport, run_digest_tick
from bot.domain.clock import Clock
from bot.reviews.compose import with_closeouts
from goalbot import metrics

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FullTickReport(TickReport):
    """The check-in tick's report, plus what the digest tick did (None when it failed)."""

    digests: DigestTickReport | None = None


def make_tick(
    engine: Engine,
    clock: Clock,
    services: Services,
    client: WebClient,
    *,
    pacer: Pacer | None = None,
) -> Callable[[], FullTickReport]:
    """A tick bound to this process's Slack client; one poster and one pacer (default: 5 posts
    a second of real time), kept across ticks, for every outbox."""
    poster = SlackPoster(client)
    composer = with_closeouts(CheckinComposer(services.goals, engine=engine), services.reviews)
    pacer = pacer or TokenBucket()

    def tick() -> FullTickReport:
        started = time.perf_counter()
        try:
            _review_tick(services, poster)
            try:
                report = run_tick(engine, clock, poster, composer, pacer=pacer)
                metrics.record_checkins(report)
            finally:
                digests = _digest_tick(engine, clock, poster, pacer)
            return FullTickReport(report.plan, report.send, report.followups, digests)
        finally:
            metrics.observe_tick(time.perf_counter() - started)

    return tick


def make_pacer(engine: Engine, posts_per_minute: float) -> Pacer:
    """The pacer of every post: shared by every replica on PostgreSQL, the process's own
    bucket on SQLite (see the module's docstring)."""
    if engine.dialect.name == "postgresql":
        return shared_per_minute(engine, posts_per_minute)
    return per_minute(posts_per_minute)


def _digest_tick(
    engine: Engine, clock: Clock, poster: Poster, pacer: Pacer
) -> DigestTickReport | None:
    """Plan and post due digests; a failure is logged and never stops the check-ins."""
    try:
        report = run_digest_tick(engine, clock, poster, pacer=pacer)
    except Exception:  # logged with its traceback; the next tick retries
        logger.exception("the digest tick failed; the next tick picks it up")
        return None
    metrics.record_digests(report)
    if report.plan.planned or report.send.claimed:
        logger.info("digests: planned %s, posted %s", report.plan.planned, report.send.posted)
    return report


def _review_tick(services: Services, poster: Poster) -> None:
    """Open and post due reviews; a failure is logged and never stops the check-ins."""
    try:
        report = services.reviews.tick(poster)
    except Exception:  # logged with its traceback; the next tick retries
        logger.exception("the review tick failed; check-ins go on")
        return
    metrics.record_reviews(report)
    if report.opened or report.posted.claimed:
        logger.info("reviews: opened %s, posted %s", report.opened, report.posted.delivered)


def digest_summary(report: DigestTickReport | None) -> str:
    """One line for ``goalbot tick``: digests planned, skipped, posted, charts uploaded."""
    if report is None:
        return "digests: the digest tick failed (see the log)"
    outcomes = ", ".join(f"{n} {outcome}" for outcome, n in sorted(report.send.outcomes.items()))
    return (
        f"digests: planned {report.plan.planned}, skipped {report.plan.skipped}, "
        f"posted {report.send.posted}, charts {report.send.charts}"
        + (f" ({outcomes})" if outcomes else "")
    )

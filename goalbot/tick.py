"""Wiring the check-in tick to Slack: the poster, the composer and a pacer that lasts.

Each tick first opens and posts the quarterly reviews that are due (``bot.reviews``), whose
close-out DMs then go out through the check-in outbox in the same tick. Then the weekly digests
that are due are planned and posted (``bot.digest``), even when the check-ins failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.application import Services
from bot.checkins.compose import CheckinComposer
from bot.checkins.tick import TickReport, run_tick
from bot.delivery.pacing import Pacer, TokenBucket
from bot.delivery.slack import SlackPoster
from bot.delivery.types import Poster
from bot.digest.tick import DigestTickReport, run_digest_tick
from bot.domain.clock import Clock
from bot.reviews.compose import with_closeouts

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
        _review_tick(services, poster)
        try:
            report = run_tick(engine, clock, poster, composer, pacer=pacer)
        finally:
            digests = _digest_tick(engine, clock, poster, pacer)
        return FullTickReport(report.plan, report.send, report.followups, digests)

    return tick


def _digest_tick(
    engine: Engine, clock: Clock, poster: Poster, pacer: Pacer
) -> DigestTickReport | None:
    """Plan and post due digests; a failure is logged and never stops the check-ins."""
    try:
        report = run_digest_tick(engine, clock, poster, pacer=pacer)
    except Exception:  # logged with its traceback; the next tick retries
        logger.exception("the digest tick failed; the next tick picks it up")
        return None
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

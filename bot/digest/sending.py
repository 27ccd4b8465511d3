"""The digest outbox: build a due digest, post it once through the engine, then its thread.

Never twice: the main message is posted only by the claim holding the row, right after the
row is marked ``posting``, and its ``ts`` is recorded as soon as Slack returns it. A row found
later in ``sending`` with its ``ts`` is recorded as sent (its thread may lack a part); one
found ``posting`` without a ``ts`` may or may not be in the channel, so the engine records it
as failed rather than posting it again (``looks_up=False``). A post Slack refused (rate
limited, or a transient error) is retried; a permanent refusal (``channel_not_found``,
``not_in_channel``…) fails the row. Overflow replies and the chart follow in the thread; their
failures are logged and noted on the row, and a missing ``files:write`` scope only leaves the
chart out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from bot.delivery.engine import BaseOutbox, Composed, DeliveryPolicy, Fail, deliver_due
from bot.delivery.outcomes import Outcome, SendReport
from bot.delivery.pacing import Pacer
from bot.delivery.tags import digest_tag
from bot.delivery.types import (
    POST_FAILURES,
    OutgoingMessage,
    Poster,
    PostRejected,
    PostResult,
    Upload,
)
from bot.digest.chart import render_png
from bot.digest.service import BuiltDigest, build_digest
from bot.digest.weeks import DIGEST_LATE_LIMIT
from bot.domain.clock import Clock
from bot.domain.errors import NotFound
from storage.db import unit_of_work
from storage.repositories import digest_outbox as rows
from storage.repositories.digest_outbox import DIGEST, ClaimedDigest

logger = logging.getLogger(__name__)

MISSING_SCOPE = "missing_scope"
RECOVERED = "recovered after an interruption: its thread may be incomplete"

DIGEST_POLICY = DeliveryPolicy(batch=5, late_limit=DIGEST_LATE_LIMIT, looks_up=False)
"""Digests: a few a tick; a post in doubt is never repeated (its thread would follow twice)."""


@dataclass
class DigestSendReport(SendReport):
    """One sending pass, plus the charts uploaded."""

    charts: int = 0

    @property
    def posted(self) -> int:
        """Digests posted by this pass."""
        return self.outcomes[Outcome.SENT]


@dataclass(kw_only=True)
class DigestOutbox(BaseOutbox[ClaimedDigest]):
    """The digest outbox as the engine drives it."""

    label: str = "digest"
    charts: int = 0
    built: dict[int, BuiltDigest] = field(default_factory=dict)
    table = DIGEST

    def claim(self, session: Session, *, now: datetime, limit: int) -> list[ClaimedDigest]:
        """Lease due digests (of one workspace, or all)."""
        return rows.claim_due_digests(
            session=session, now=now, lease=self.policy.lease, limit=limit, team_id=self.team_id
        )

    def find_earlier(self, claim: ClaimedDigest) -> PostResult | None:
        """The main message an earlier claim recorded; None when it may have posted unrecorded."""
        if claim.message_ts is None:
            return None
        logger.warning("digest %s: %s", claim.id, RECOVERED)
        return PostResult(channel=claim.channel_id, ts=claim.message_ts)

    def compose(self, claim: ClaimedDigest) -> Composed:
        """The digest built now, with the numbers of when it is posted."""
        try:
            with unit_of_work(self.engine) as session:
                built = build_digest(
                    session,
                    claim.team_id,
                    claim.unit_id,
                    self.clock.now(),
                    week_key=claim.week_key,
                    with_chart=True,
                )
        except NotFound as exc:
            return Fail(exc.message)
        self.built[claim.id] = built
        main = built.messages.main
        message = OutgoingMessage(channel=claim.channel_id, text=main.text, blocks=main.blocks)
        return message.tagged(digest_tag(claim.id))

    def before_post(self, session: Session, claim: ClaimedDigest) -> bool:
        """Mark the row ``posting``: found so later without a ts, it is never posted again."""
        return rows.mark_posting(session=session, claim=claim)

    def record(
        self, session: Session, claim: ClaimedDigest, result: PostResult, outcome: Outcome
    ) -> bool:
        """Keep the main message's ts at once; a recovered one is sent, its thread as it is."""
        if outcome == Outcome.FOUND:
            return rows.mark_sent(
                session=session, claim=claim, sent_at=self.clock.now(), note=RECOVERED
            )
        return rows.record_posted(session=session, claim=claim, message_ts=result.ts)

    def after_post(self, claim: ClaimedDigest, result: PostResult) -> bool:
        """Post the overflow replies and the chart in the thread, then record the digest sent."""
        built = self.built.pop(claim.id)
        notes = self._thread(claim, built, result.ts)
        if built.chart is not None:
            notes += self._chart(claim, built, result.ts)
        note = "; ".join(notes) or None
        with unit_of_work(self.engine) as session:
            return rows.mark_sent(session=session, claim=claim, sent_at=self.clock.now(), note=note)

    def _thread(self, claim: ClaimedDigest, built: BuiltDigest, ts: str) -> list[str]:
        """Post the overflow replies in the digest's thread; what went wrong."""
        for number, reply in enumerate(built.messages.thread, start=2):
            message = OutgoingMessage(claim.channel_id, reply.text, reply.blocks, thread_ts=ts)
            try:
                self.poster.post(message)
            except POST_FAILURES as exc:
                logger.warning(
                    "digest %s: part %s not posted in its thread: %s", claim.id, number, exc
                )
                return [f"part {number} not posted: {exc}"]
        return []

    def _chart(self, claim: ClaimedDigest, built: BuiltDigest, ts: str) -> list[str]:
        """Upload the chart into the thread; what went wrong."""
        chart = built.chart
        assert chart is not None
        upload = Upload(
            claim.channel_id,
            ts,
            render_png(chart),
            filename=f"digest-{claim.week_key}.png",
            title=chart.title,
            alt_text=chart.alt_text,
        )
        try:
            self.poster.upload(upload)
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
        except POST_FAILURES as exc:  # rate limited, or unsure (a refusal is handled above)
            logger.warning("digest %s: chart not uploaded: %s", claim.id, exc)
            return [f"chart not uploaded: {exc}"]
        self.charts += 1
        return []


def send_due_digests(
    engine: Engine,
    clock: Clock,
    poster: Poster,
    *,
    policy: DeliveryPolicy | None = None,
    pacer: Pacer | None = None,
    team_id: str | None = None,
) -> DigestSendReport:
    """Claim and post due digests, a batch at a time, until none is left."""
    digests = DigestOutbox(
        engine=engine, clock=clock, poster=poster, policy=policy or DIGEST_POLICY, team_id=team_id
    )
    report = deliver_due(digests, pacer=pacer)
    return DigestSendReport(**vars(report), charts=digests.charts)

"""The DM outbox: check-ins, reminders, escalations and close-outs, delivered by the engine.

Composing is the composer's (the check-in's, or the review's for close-outs); the weekly DM cap
applies to reminders and escalations (``bot.checkins.capping``). Claiming, posting, recovering
a post in doubt by its tag in the person's DM, and recording are the engine's
(``bot.delivery.engine``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.checkins.capping import CAP_REASON, over_weekly_cap
from bot.delivery.engine import BaseOutbox, Composed, DeliveryPolicy, Skip, deliver_due
from bot.delivery.outcomes import Outcome, SendReport
from bot.delivery.pacing import Pacer, TokenBucket
from bot.delivery.tags import dm_tag
from bot.delivery.types import Composer, Poster, PostResult
from bot.domain.clock import Clock
from bot.rhythm import DEFAULT_LATE_LIMIT
from storage.repositories import outbox
from storage.repositories.outbox import OUTBOX, ClaimedDelivery

DEFAULT_BATCH = 20
"""Rows claimed per transaction: at 5 posts a second, four seconds of work."""

DEFAULT_LEASE = timedelta(minutes=10)
"""How long a claim holds its rows; a crashed sender's rows are recovered after this."""

CLOCK_SKEW = timedelta(minutes=5)
"""A post in doubt is looked for from this long before its row was due."""


DM_POLICY = DeliveryPolicy(lease=DEFAULT_LEASE, batch=DEFAULT_BATCH, late_limit=DEFAULT_LATE_LIMIT)
"""The DM outbox's policy: a check-in later than the late limit is skipped, never sent at night."""


@dataclass(kw_only=True)
class DmOutbox(BaseOutbox[ClaimedDelivery]):
    """The DM outbox as the engine drives it."""

    composer: Composer
    label: str = "check-in"
    table = OUTBOX

    def claim(self, session: Session, *, now: datetime, limit: int) -> list[ClaimedDelivery]:
        """Lease due DM rows (of one workspace, or all)."""
        lease = self.policy.lease
        return outbox.claim_due(
            session=session, now=now, lease=lease, limit=limit, team_id=self.team_id
        )

    def find_earlier(self, claim: ClaimedDelivery) -> PostResult | None:
        """The DM an earlier claim posted, found by its tag."""
        return self.poster.find_posted(
            tag=dm_tag(claim.id),
            channel=claim.known_channel,
            user_id=claim.slack_user_id,
            since=claim.due_at - CLOCK_SKEW,
        )

    def compose(self, claim: ClaimedDelivery) -> Composed:
        """The composer's DM, tagged; skipped when there is nothing to say or over the cap."""
        message = self.composer(claim)
        if message is None:
            return Skip("nothing due")
        if over_weekly_cap(self.engine, self.clock.now(), claim, message.channel):
            return Skip(CAP_REASON)
        return message.tagged(dm_tag(claim.id))

    def record(
        self, session: Session, claim: ClaimedDelivery, result: PostResult, outcome: Outcome
    ) -> bool:
        """Keep where the DM went, so that its answer can update it."""
        return outbox.mark_sent(
            session=session,
            claim=claim,
            channel=result.channel,
            message_ts=result.ts,
            sent_at=self.clock.now(),
        )


def send_due(
    engine: Engine,
    clock: Clock,
    poster: Poster,
    composer: Composer,
    *,
    pacer: Pacer | None = None,
    policy: DeliveryPolicy | None = None,
    max_batches: int | None = None,
    team_id: str | None = None,
) -> SendReport:
    """Claim and deliver due DMs, a batch at a time, until none is left (or max_batches).

    Keep one `pacer` across calls (the default is a fresh ``TokenBucket`` per call).
    """
    dms = DmOutbox(
        engine=engine,
        clock=clock,
        poster=poster,
        composer=composer,
        policy=policy or DM_POLICY,
        team_id=team_id,
    )
    return deliver_due(dms, pacer=pacer or TokenBucket(), max_batches=max_batches)

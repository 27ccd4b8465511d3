"""The review-thread outbox: post each review's thread once, then plan its close-out DMs.

Each pending review is claimed under a lease and delivered by the engine
(``bot.delivery.engine``). Its scorecard was taken when it opened (a re-armed review takes a new
one, stored before its first post), so a retry posts the same one. A pass posts at most
``max_rows`` threads (Slack allows about one message a second per channel); the next tick
posts the rest. A review whose earlier claim may have posted is first looked for in the
channel by its tag. Once the thread is recorded, the same unit of work inserts one
``closeout`` row per owner of an open goal of the unit in the DM outbox (``ON CONFLICT DO
NOTHING`` on owner, kind and ``review-<id>``), due at once when it is working hours for them,
else at their next working morning; the DM outbox delivers them (``bot.reviews.compose``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.blocks.review import review_message
from bot.delivery.engine import BaseOutbox, Composed, DeliveryPolicy, Lost, deliver_due
from bot.delivery.outcomes import Outcome, SendReport
from bot.delivery.tags import review_tag
from bot.delivery.types import OutgoingMessage, Poster, PostRejected, PostResult
from bot.domain.clock import Clock
from bot.domain.periods import parse_period
from bot.domain.review import Scorecard
from bot.reviews.data import load_quarter
from bot.reviews.measure import QuarterScorecards
from bot.reviews.policy import review_periods
from bot.rhythm import build_rule, into_working_hours
from bot.services.context import workspace_or_default
from storage.db import unit_of_work
from storage.models import DeliveryKind, Person, Workspace
from storage.repositories import outbox, review_posting
from storage.repositories.outbox import NewDelivery
from storage.repositories.review_posting import REVIEW, ClaimedReview
from storage.repositories.reviews import owners_of_open_goals

CLOSEOUT_PREFIX = "review-"
CLOCK_SKEW = timedelta(minutes=5)
REFUSALS = {
    "not_in_channel": "goalbot is not in <#{channel}>: invite it with `/invite @goalbot`",
    "channel_not_found": "the channel <#{channel}> does not exist any more",
    "is_archived": "<#{channel}> is archived",
}

REVIEW_POLICY = DeliveryPolicy(batch=10, max_rows=20)
"""Review threads: at most 20 a pass (about one message a second per channel)."""


@dataclass
class PostReport(SendReport):
    """One posting pass, plus the close-out DMs it planned."""

    closeouts: int = 0


def closeout_key(review_id: int) -> str:
    """The outbox ``period_key`` of a review's close-out DMs."""
    return f"{CLOSEOUT_PREFIX}{review_id}"


def review_of_closeout(period_key: str) -> int | None:
    """The review id in a close-out row's ``period_key``."""
    rest = period_key.removeprefix(CLOSEOUT_PREFIX)
    return int(rest) if rest != period_key and rest.isdigit() else None


@dataclass(kw_only=True)
class ReviewOutbox(BaseOutbox[ClaimedReview]):
    """The review-thread outbox as the engine drives it."""

    label: str = "review"
    closeouts: int = 0
    cards: dict[tuple[str, str], QuarterScorecards] = field(default_factory=dict)
    table = REVIEW

    def claim(self, session: Session, *, now: datetime, limit: int) -> list[ClaimedReview]:
        """Lease pending reviews (of one workspace, or all)."""
        return review_posting.claim_reviews(
            session=session, now=now, lease=self.policy.lease, limit=limit, team_id=self.team_id
        )

    def find_earlier(self, claim: ClaimedReview) -> PostResult | None:
        """The thread an earlier claim posted, found by its tag in the channel."""
        return self.poster.find_posted(
            tag=review_tag(claim.id),
            channel=claim.channel_id,
            user_id=None,
            since=claim.due_at - CLOCK_SKEW,
        )

    def compose(self, claim: ClaimedReview) -> Composed:
        """The thread's parent: the scorecard stored with the review (taken now if none)."""
        scorecard = self._scorecard(claim)
        if scorecard is None:
            return Lost()
        message = review_message(scorecard, review_id=claim.id)
        outgoing = OutgoingMessage(
            channel=claim.channel_id, text=message.text, blocks=message.blocks
        )
        return outgoing.tagged(review_tag(claim.id))

    def record(
        self, session: Session, claim: ClaimedReview, result: PostResult, outcome: Outcome
    ) -> bool:
        """Record the thread and, in the same unit of work, plan the close-out DMs."""
        now = self.clock.now()
        held = review_posting.mark_posted(
            session=session, claim=claim, channel_id=result.channel, thread_ts=result.ts, at=now
        )
        if held:
            self.closeouts += plan_closeouts(session, claim, now)
        return held

    def refusal(self, claim: ClaimedReview, exc: PostRejected) -> str:
        """What to do about the refusal, in words: invite goalbot, pick another channel."""
        return REFUSALS.get(exc.error, "Slack refused the post ({error})").format(
            channel=claim.channel_id, error=exc.error
        )

    def _scorecard(self, claim: ClaimedReview) -> Scorecard | None:
        """The stored scorecard, or a new one stored now (None when the claim was lost)."""
        if claim.scorecard:
            return Scorecard.from_json(claim.scorecard)
        key = (claim.team_id, claim.period)
        if key not in self.cards:
            with unit_of_work(self.engine) as session:
                quarter = load_quarter(
                    session, claim.team_id, parse_period(claim.period), self.clock.now()
                )
            self.cards[key] = QuarterScorecards(quarter)
        scorecard = self.cards[key].for_unit(claim.unit_id)
        with unit_of_work(self.engine) as session:
            held = review_posting.store_scorecard(
                session=session,
                claim=claim,
                scorecard=scorecard.to_json(),
                diagnosis=scorecard.diagnosis.text,
            )
        return scorecard if held else None


def post_due(
    engine: Engine,
    clock: Clock,
    poster: Poster,
    *,
    team_id: str | None = None,
    policy: DeliveryPolicy | None = None,
) -> PostReport:
    """Claim and post the reviews waiting to be posted, a batch at a time, up to a pass's worth."""
    reviews = ReviewOutbox(
        engine=engine, clock=clock, poster=poster, policy=policy or REVIEW_POLICY, team_id=team_id
    )
    report = deliver_due(reviews)
    return PostReport(**vars(report), closeouts=reviews.closeouts)


def plan_closeouts(session: Session, review: ClaimedReview, now: datetime) -> int:
    """One close-out DM per owner of an open goal of the review's unit; how many are new."""
    periods = review_periods(parse_period(review.period))
    owners = owners_of_open_goals(
        session=session, team_id=review.team_id, unit_id=review.unit_id, periods=periods
    )
    workspace = workspace_or_default(session, review.team_id)
    rows = [
        NewDelivery(
            review.team_id,
            owner.id or 0,
            closeout_key(review.id),
            _working_time(owner, workspace, now),
            kind=DeliveryKind.CLOSEOUT,
        )
        for owner in owners
        if owner.is_active
    ]
    return sum(outbox.insert_deliveries(session=session, rows=rows, now=now).values())


def _working_time(owner: Person, workspace: Workspace, now: datetime) -> datetime:
    """``now`` when it is working hours for the owner, else their next working morning."""
    rule = build_rule(
        cadence=workspace.cadence,
        weekday=workspace.checkin_weekday,
        checkin_time=workspace.checkin_time,
        workspace_tz=workspace.timezone,
        holidays=workspace.holidays,
        person_tz=owner.tz,
    )
    return into_working_hours(rule, now)

"""Posting review threads exactly once, then planning the close-out DMs of their owners.

Each pending review is claimed under a lease (``storage.repositories.review_posting``). Its
scorecard was taken when it opened (a re-armed review takes a new one, stored before its first
post), so a retry posts the same one. A pass posts at most ``max_per_pass`` threads (Slack
allows about one message a second per channel); the next tick posts the rest.
A review whose earlier claim may have posted is first looked for in the channel by its
metadata. Once the thread is recorded, the same unit of work inserts one ``closeout`` outbox
row per owner of an open goal of the unit (``ON CONFLICT DO NOTHING`` on owner, kind and
``review-<id>``), due at once when it is working hours for them, else at their next working
morning; the check-in sender delivers them (``bot.reviews.closeout``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.blocks.review import review_message
from bot.delivery.outcomes import Outcome
from bot.delivery.types import (
    DeliveryUncertain,
    OutgoingMessage,
    PostRejected,
    PostResult,
    RateLimited,
)
from bot.domain.clock import Clock
from bot.domain.periods import parse_period
from bot.reviews.data import load_quarter
from bot.reviews.measure import QuarterScorecards
from bot.reviews.policy import review_periods
from bot.reviews.scorecard import Scorecard
from bot.reviews.slack import ReviewPoster, review_metadata
from bot.rhythm import build_rule, into_working_hours
from bot.services.context import workspace_or_default
from storage.db import unit_of_work
from storage.models import DeliveryKind, Person, Workspace
from storage.repositories import outbox, review_posting
from storage.repositories.outbox import NewDelivery
from storage.repositories.review_posting import ClaimedReview
from storage.repositories.reviews import owners_of_open_goals

logger = logging.getLogger(__name__)
CLOSEOUT_PREFIX = "review-"
REFUSALS = {
    "not_in_channel": "goalbot is not in <#{channel}>: invite it with `/invite @goalbot`",
    "channel_not_found": "the channel <#{channel}> does not exist any more",
    "is_archived": "<#{channel}> is archived",
}


@dataclass(frozen=True)
class PostPolicy:
    """Leases, batches and retries of review posting."""

    lease: timedelta = timedelta(minutes=10)
    batch: int = 10
    max_per_pass: int = 20
    max_attempts: int = 5  # lookups and retryable rejections, per review
    retry_delay: timedelta = timedelta(minutes=1)
    recheck_delay: timedelta = timedelta(minutes=2)
    clock_skew: timedelta = timedelta(minutes=5)


@dataclass
class PostReport:
    """One posting pass: what became of each review, and close-out DMs planned."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)  # review id -> outcome
    errors: dict[int, str] = field(default_factory=dict)  # review id -> why it failed
    closeouts: int = 0

    @property
    def delivered(self) -> int:
        """Reviews now recorded as posted: by this pass, or found posted by an earlier one."""
        return sum(1 for o in self.outcomes.values() if o in {Outcome.SENT, Outcome.FOUND})


def closeout_key(review_id: int) -> str:
    """The outbox ``period_key`` of a review's close-out DMs."""
    return f"{CLOSEOUT_PREFIX}{review_id}"


def review_of_closeout(period_key: str) -> int | None:
    """The review id in a close-out row's ``period_key``."""
    rest = period_key.removeprefix(CLOSEOUT_PREFIX)
    return int(rest) if rest != period_key and rest.isdigit() else None


@dataclass
class _Poster:
    engine: Engine
    clock: Clock
    slack: ReviewPoster
    policy: PostPolicy
    report: PostReport
    cards: dict[tuple[str, str], QuarterScorecards] = field(default_factory=dict)


def post_due(
    engine: Engine,
    clock: Clock,
    slack: ReviewPoster,
    *,
    team_id: str | None = None,
    policy: PostPolicy | None = None,
) -> PostReport:
    """Claim and post the reviews waiting to be posted, a batch at a time, up to a pass's worth."""
    poster = _Poster(engine, clock, slack, policy or PostPolicy(), PostReport())
    while (left := poster.policy.max_per_pass - len(poster.report.outcomes)) > 0:
        with unit_of_work(engine) as session:
            claimed = review_posting.claim_reviews(
                session=session,
                now=clock.now(),
                lease=poster.policy.lease,
                limit=min(poster.policy.batch, left),
                team_id=team_id,
            )
        if not claimed:
            return poster.report
        for review in claimed:
            poster.report.outcomes[review.id] = _post_safely(poster, review)
    return poster.report


def _post_safely(poster: _Poster, review: ClaimedReview) -> Outcome:
    try:
        return _post(poster, review)
    except RateLimited as exc:
        retry_at = poster.clock.now() + timedelta(seconds=exc.retry_after)
        release = review_posting.release
        return _write(poster, review, release, Outcome.RETRY, retry_at=retry_at, error=str(exc))
    except PostRejected as exc:
        return _rejected(poster, review, exc)
    except DeliveryUncertain as exc:
        logger.warning("review %s may or may not be posted: %s", review.id, exc)
        return _hold(poster, review, str(exc))
    except _GaveUp as exc:
        poster.report.errors[review.id] = str(exc)
        return _write(poster, review, review_posting.mark_failed, Outcome.FAILED, error=str(exc))


def _post(poster: _Poster, review: ClaimedReview) -> Outcome:
    if review.recovering:
        found = _find_earlier(poster, review)
        if found is not None:
            return _record(poster, review, found, Outcome.FOUND)
    scorecard = _scorecard(poster, review)
    if scorecard is None:
        return Outcome.LOST
    message = review_message(scorecard, review_id=review.id)
    outgoing = OutgoingMessage(
        channel=review.channel_id,
        text=message.text,
        blocks=message.blocks,
        metadata=review_metadata(review.id),
    )
    return _record(poster, review, poster.slack.post(outgoing), Outcome.SENT)


def _find_earlier(poster: _Poster, review: ClaimedReview) -> PostResult | None:
    """The thread an earlier claim may have posted; gives up (failed) after too many tries."""
    try:
        return poster.slack.find_posted(
            review_id=review.id,
            channel=review.channel_id,
            since=review.started_at - poster.policy.clock_skew,
        )
    except (RateLimited, PostRejected, DeliveryUncertain) as exc:
        if review.attempt >= poster.policy.max_attempts:
            raise _GaveUp(f"could not tell whether Slack took the thread: {exc}") from exc
        raise DeliveryUncertain(f"could not look for an earlier post: {exc}") from exc


class _GaveUp(Exception):
    """Slack could not say, too many times, whether an earlier claim posted the thread."""


def _scorecard(poster: _Poster, review: ClaimedReview) -> Scorecard | None:
    """The stored scorecard, or a new one stored now (None when the claim was lost)."""
    if review.scorecard:
        return Scorecard.from_json(review.scorecard)
    key = (review.team_id, review.period)
    if key not in poster.cards:
        with unit_of_work(poster.engine) as session:
            quarter = load_quarter(
                session, review.team_id, parse_period(review.period), poster.clock.now()
            )
        poster.cards[key] = QuarterScorecards(quarter)
    scorecard = poster.cards[key].for_unit(review.unit_id)
    with unit_of_work(poster.engine) as session:
        held = review_posting.store_scorecard(
            session=session,
            claim=review,
            scorecard=scorecard.to_json(),
            diagnosis=scorecard.diagnosis.text,
        )
    return scorecard if held else None


def _record(
    poster: _Poster, review: ClaimedReview, result: PostResult, outcome: Outcome
) -> Outcome:
    """Record the thread and, in the same unit of work, plan the close-out DMs."""
    now = poster.clock.now()
    with unit_of_work(poster.engine) as session:
        held = review_posting.mark_posted(
            session=session, claim=review, channel_id=result.channel, thread_ts=result.ts, at=now
        )
        if held:
            poster.report.closeouts += plan_closeouts(session, review, now)
    if not held:
        logger.warning("review %s: lease lost before recording the thread", review.id)
    return outcome if held else Outcome.LOST


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


def _rejected(poster: _Poster, review: ClaimedReview, exc: PostRejected) -> Outcome:
    if exc.retryable and review.attempt < poster.policy.max_attempts:
        retry_at = poster.clock.now() + poster.policy.retry_delay
        release = review_posting.release
        return _write(poster, review, release, Outcome.RETRY, retry_at=retry_at, error=exc.error)
    error = REFUSALS.get(exc.error, "Slack refused the post ({error})").format(
        channel=review.channel_id, error=exc.error
    )
    poster.report.errors[review.id] = error
    return _write(poster, review, review_posting.mark_failed, Outcome.FAILED, error=error)


def _hold(poster: _Poster, review: ClaimedReview, error: str) -> Outcome:
    check_at = poster.clock.now() + poster.policy.recheck_delay
    hold = review_posting.hold_unsure
    return _write(poster, review, hold, Outcome.UNSURE, check_at=check_at, error=error)


def _write(
    poster: _Poster,
    review: ClaimedReview,
    write: Callable[..., bool],
    outcome: Outcome,
    **values: object,
) -> Outcome:
    with unit_of_work(poster.engine) as session:
        held = write(session=session, claim=review, **values)
    return outcome if held else Outcome.LOST

"""Opening and posting reviews exactly once: the tick, retries, doubt, and the close-out DMs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.checkins.sending import send_due
from bot.delivery.outcomes import Outcome
from bot.delivery.pacing import NoPacing
from bot.delivery.types import (
    OutgoingMessage,
    PostRejected,
    RateLimited,
)
from bot.domain.clock import FixedClock
from bot.reviews.compose import with_closeouts
from bot.reviews.posting import REVIEW_POLICY
from bot.reviews.service import ReviewService
from storage.db import unit_of_work
from storage.models import (
    CheckinDelivery,
    DeliveryKind,
    DeliveryStatus,
    Goal,
    GoalStatus,
    Review,
)
from storage.repositories.outbox import ClaimedDelivery
from storage.repositories.review_posting import NO_CHANNEL
from tests.bot.test_review_support import FakeReviewSlack, seed_acme_quarter, subscribe
from tests.checkin_support import RecordingPoster
from tests.factories import TEAM, Org

OPENS = datetime(2027, 3, 31, 9, 0, tzinfo=UTC)  # last working day of 2027-Q1, 09:00 UTC
LEADERSHIP = "CLEAD"  # the company digest channel (``subscribe``)


@pytest.fixture
def org(engine: Engine) -> Org:
    """Acme with 2027-Q1 goals in Sales, EMEA and Marketing, and a company goal for FY2027."""
    return seed_acme_quarter(engine)


def _reviews(engine: Engine) -> list[Review]:
    with unit_of_work(engine) as session:
        return list(session.exec(select(Review).order_by(col(Review.id))))


def _closeouts(engine: Engine) -> list[CheckinDelivery]:
    with unit_of_work(engine) as session:
        query = select(CheckinDelivery).where(CheckinDelivery.kind == DeliveryKind.CLOSEOUT)
        return list(session.exec(query.order_by(col(CheckinDelivery.id))))


def test_the_tick_opens_each_units_review_once_at_the_end_of_the_quarter(
    engine: Engine, org: Org
) -> None:
    subscribe(engine)
    slack, clock = FakeReviewSlack(), FixedClock(OPENS - timedelta(minutes=1))
    service = ReviewService(engine, clock)

    assert service.tick(slack).opened == 0 and slack.posts == [] and _reviews(engine) == []
    clock.set(OPENS)
    first = service.tick(slack)
    clock.advance(timedelta(seconds=30))
    second = service.tick(slack)

    assert (first.opened, first.posted.delivered, second.opened, second.posted.delivered) == (
        3,
        3,
        0,
        0,
    )
    assert slack.units() == ["EMEA", "Marketing", "Sales"]  # the company has no 2027-Q1 goal
    assert {message.channel for message in slack.posts} == {LEADERSHIP}
    reviews = _reviews(engine)
    assert [r.status for r in reviews] == [DeliveryStatus.SENT] * 3
    assert all(r.thread_ts and r.scorecard["period"] == "2027-Q1" for r in reviews)
    owners = sorted(d.person_id for d in _closeouts(engine))
    assert owners == sorted([org.sales_lead.id, org.rep.id, org.marketer.id])


def test_a_command_and_the_tick_together_still_post_each_review_once(
    engine: Engine, org: Org
) -> None:
    subscribe(engine)
    slack, clock = FakeReviewSlack(), FixedClock(OPENS)
    service = ReviewService(engine, clock)
    opened = service.start(team_id=TEAM, actor_id="USALES", unit_key="sales", period=None)
    assert len(opened.created) == 2  # Sales and EMEA
    service.post_due(slack)
    service.tick(slack)
    service.start(team_id=TEAM, actor_id="UADMIN", unit_key=None, period="2027-Q1")
    service.post_due(slack)
    assert slack.units() == ["EMEA", "Marketing", "Sales"]
    assert len(_closeouts(engine)) == 3


def test_a_unit_without_a_channel_waits_for_one_and_a_start_rearms_it(
    engine: Engine, org: Org
) -> None:
    slack, clock = FakeReviewSlack(), FixedClock(OPENS)
    service = ReviewService(engine, clock)
    service.tick(slack)
    assert slack.posts == []
    assert {(r.status, r.error) for r in _reviews(engine)} == {(DeliveryStatus.FAILED, NO_CHANNEL)}
    service.tick(slack)  # the tick does not retry: nothing changed
    assert slack.posts == []

    service.set_channel(team_id=TEAM, actor_id="USALES", unit_key="sales", channel_id="CSALES")
    service.start(team_id=TEAM, actor_id="USALES", unit_key="sales", period=None)
    service.post_due(slack)
    assert slack.units() == ["EMEA", "Sales"]  # EMEA inherits the Sales channel
    assert {m.channel for m in slack.posts} == {"CSALES"}


def test_a_rearmed_review_takes_a_new_scorecard(engine: Engine, org: Org) -> None:
    slack, clock = FakeReviewSlack(), FixedClock(OPENS)
    service = ReviewService(engine, clock)
    service.start(
        team_id=TEAM, actor_id="UADMIN", unit_key="marketing", period=None
    )  # no channel yet
    assert _reviews(engine)[0].scorecard["counts"]["open"] == 1
    _achieve_marketing(engine)
    clock.advance(timedelta(days=1))
    service.set_channel(team_id=TEAM, actor_id="UADMIN", unit_key="marketing", channel_id="CMKT")
    service.start(team_id=TEAM, actor_id="UADMIN", unit_key="marketing", period=None)
    service.post_due(slack)
    card = _reviews(engine)[0].scorecard
    assert (card["counts"]["achieved"], card["counts"]["open"]) == (1, 0)
    assert card["at"] == "2027-04-01T09:00:00Z"


def test_a_pass_posts_at_most_its_share_and_the_next_one_the_rest(engine: Engine, org: Org) -> None:
    subscribe(engine)
    slack = FakeReviewSlack()
    service = ReviewService(engine, FixedClock(OPENS), replace(REVIEW_POLICY, max_rows=2, batch=1))
    first = service.tick(slack)
    second = service.tick(slack)
    assert (first.opened, first.posted.delivered, second.posted.delivered) == (3, 2, 1)


def test_slack_refusing_the_channel_fails_the_review_with_what_to_do(
    engine: Engine, org: Org
) -> None:
    subscribe(engine)
    slack = FakeReviewSlack(failures=[PostRejected("not_in_channel", retryable=False)])
    service = ReviewService(engine, FixedClock(OPENS))
    opened = service.start(team_id=TEAM, actor_id="UADMIN", unit_key="marketing", period=None)
    report = service.post_due(slack)
    assert report.rows == {opened.created[0]: Outcome.FAILED}
    assert report.errors[opened.created[0]].startswith("goalbot is not in <#CLEAD>: invite it")
    service.start(
        team_id=TEAM, actor_id="UADMIN", unit_key="marketing", period=None
    )  # after inviting the bot
    assert service.post_due(slack).delivered == 1


def test_a_rate_limited_post_is_retried_with_the_scorecard_it_first_took(
    engine: Engine, org: Org
) -> None:
    subscribe(engine)
    slack, clock = FakeReviewSlack(failures=[RateLimited(30)]), FixedClock(OPENS)
    service = ReviewService(engine, clock)
    service.start(team_id=TEAM, actor_id="UADMIN", unit_key="marketing", period=None)
    assert list(service.post_due(slack).rows.values()) == [Outcome.RETRY]
    stored = _reviews(engine)[0].scorecard
    assert stored["counts"]["open"] == 1
    _achieve_marketing(engine)  # the numbers change before the retry
    assert service.post_due(slack).rows == {}  # not before Retry-After
    clock.advance(timedelta(seconds=31))
    assert service.post_due(slack).delivered == 1
    assert _reviews(engine)[0].scorecard == stored
    assert "0 achieved, 0 missed, 1 open" in slack.posts[0].text


def test_a_post_in_doubt_is_found_in_the_channel_not_posted_again(engine: Engine, org: Org) -> None:
    subscribe(engine)
    slack, clock = FakeReviewSlack(swallow=True), FixedClock(OPENS)
    service = ReviewService(engine, clock)
    service.start(team_id=TEAM, actor_id="UADMIN", unit_key="marketing", period=None)
    assert list(service.post_due(slack).rows.values()) == [Outcome.UNSURE]
    assert _closeouts(engine) == []
    clock.advance(timedelta(minutes=11))  # the lease has run out
    report = service.post_due(slack)
    assert list(report.rows.values()) == [Outcome.FOUND]
    assert (len(slack.posts), slack.lookups, report.closeouts) == (1, 1, 1)
    assert _reviews(engine)[0].thread_ts == "1800000001.000100"


def test_a_thread_slack_cannot_confirm_is_given_up_not_posted_twice(
    engine: Engine, org: Org
) -> None:
    subscribe(engine)
    slack, clock = FakeReviewSlack(swallow=True), FixedClock(OPENS)
    slack.lookup_failures = [RateLimited(60) for _ in range(10)]
    service = ReviewService(engine, clock)
    review_id = service.start(
        team_id=TEAM, actor_id="UADMIN", unit_key="marketing", period=None
    ).created[0]
    outcomes = []
    for _ in range(6):
        outcomes += service.post_due(slack).rows.values()
        clock.advance(timedelta(minutes=11))
    assert outcomes == [Outcome.UNSURE] * 4 + [Outcome.FAILED]
    assert len(slack.posts) == 1 and slack.lookups == 4
    review = _reviews(engine)[0]
    assert review.id == review_id and review.status is DeliveryStatus.FAILED
    assert (review.error or "").startswith("could not tell whether it was posted; gave up")


def test_the_check_in_sender_delivers_each_close_out_dm_once(engine: Engine, org: Org) -> None:
    subscribe(engine)
    clock = FixedClock(OPENS)
    service = ReviewService(engine, clock)
    service.tick(FakeReviewSlack())
    poster = RecordingPoster()
    composer = with_closeouts(_no_checkins, service)
    for _ in range(2):
        send_due(engine, clock, poster, composer, pacer=NoPacing())
    texts = sorted(message.text for message, _ in poster.posts)
    assert texts == [
        f"The 2027-Q1 review of {unit} is open: close 1 goal as achieved, missed or carried over."
        for unit in ("EMEA", "Marketing", "Sales")
    ]
    assert {d.status for d in _closeouts(engine)} == {DeliveryStatus.SENT}


def test_a_close_out_dm_waits_for_the_owners_working_hours(engine: Engine, org: Org) -> None:
    subscribe(engine)
    with unit_of_work(engine) as session:
        rep = session.get(type(org.rep), org.rep.id)
        assert rep is not None
        rep.tz = "Australia/Sydney"  # 20:00 there when the review opens
    ReviewService(engine, FixedClock(OPENS)).start(
        team_id=TEAM, actor_id="UADMIN", unit_key="emea", period=None
    )
    ReviewService(engine, FixedClock(OPENS)).post_due(FakeReviewSlack())
    due = _closeouts(engine)[0].due_at
    assert due == datetime(2027, 3, 31, 22, 0, tzinfo=UTC)  # Thursday 09:00 in Sydney


def _no_checkins(delivery: ClaimedDelivery) -> OutgoingMessage | None:
    raise AssertionError(f"only close-outs are due here, not {delivery.kind}")


def _achieve_marketing(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        goal = session.exec(select(Goal).where(Goal.title == "Launch the brand")).one()
        goal.status = GoalStatus.ACHIEVED

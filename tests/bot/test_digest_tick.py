"""The digest tick: planned once, posted once, retried when Slack refused, never posted twice."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from bot.delivery.engine import UNSURE
from bot.delivery.outcomes import Outcome
from bot.delivery.tags import digest_tag
from bot.delivery.types import DeliveryUncertain, PostRejected, RateLimited
from bot.digest.planning import plan_digests
from bot.digest.tick import run_digest_tick
from bot.domain.clock import FixedClock
from storage.db import unit_of_work
from storage.models import DeliveryStatus
from storage.repositories.digest_outbox import claim_due_digests, mark_posting, record_posted
from tests.bot.digest_tick_support import (
    CHANNEL,
    FIRST_DIGEST,
    RecordingDigestPoster,
    digests,
    seed_subscribed_org,
)

LEASE = timedelta(minutes=10)


@pytest.fixture
def clock() -> FixedClock:
    """Two minutes after the first digest's slot."""
    return FixedClock(FIRST_DIGEST + timedelta(minutes=2))


def test_the_tick_run_twice_posts_the_digest_once(engine: Engine, clock: FixedClock) -> None:
    (subscription,) = seed_subscribed_org(engine)
    poster = RecordingDigestPoster()
    first = run_digest_tick(engine, clock, poster)
    second = run_digest_tick(engine, clock, poster)
    assert (first.plan.planned, first.send.posted) == (1, 1)
    assert (second.plan.planned, second.send.claimed) == (0, 0)
    (row,) = digests(engine)
    (post,) = poster.main_posts()
    assert (row.subscription_id, row.week_key, row.status) == (
        subscription,
        "2027-W01",
        DeliveryStatus.SENT,
    )
    assert (post.channel, post.metadata, row.message_ts) == (
        CHANNEL,
        digest_tag(row.id or 0).metadata(),
        post.ts,
    )
    assert "Weekly digest · Acme" in str(post.message.blocks[0])
    assert [upload["thread_ts"] for upload in poster.uploads] == [post.ts]  # the chart, in thread
    assert poster.uploads[0]["png"].startswith(b"\x89PNG")


def test_the_next_week_gets_its_own_digest(engine: Engine, clock: FixedClock) -> None:
    seed_subscribed_org(engine)
    poster = RecordingDigestPoster()
    run_digest_tick(engine, clock, poster)
    clock.advance(timedelta(days=7))
    run_digest_tick(engine, clock, poster)
    assert [row.week_key for row in digests(engine)] == ["2027-W01", "2027-W02"]
    assert len(poster.main_posts()) == 2


def test_a_digest_more_than_a_day_late_is_skipped_not_posted(
    engine: Engine, clock: FixedClock
) -> None:
    seed_subscribed_org(engine)
    clock.set(FIRST_DIGEST + timedelta(hours=25))
    poster = RecordingDigestPoster()
    report = run_digest_tick(engine, clock, poster)
    assert (report.plan.skipped, poster.posts) == (1, [])
    assert [row.status for row in digests(engine)] == [DeliveryStatus.SKIPPED]


def test_a_rate_limited_post_is_retried_and_posted_once(engine: Engine, clock: FixedClock) -> None:
    seed_subscribed_org(engine)
    poster = RecordingDigestPoster(post_failures=[RateLimited(30)])
    first = run_digest_tick(engine, clock, poster)
    assert first.send.outcomes == {Outcome.RETRY: 1} and poster.posts == []
    assert run_digest_tick(engine, clock, poster).send.claimed == 0  # not before Retry-After
    clock.advance(timedelta(seconds=31))
    assert run_digest_tick(engine, clock, poster).send.posted == 1
    assert len(poster.main_posts()) == 1
    assert digests(engine)[0].status is DeliveryStatus.SENT


def test_a_transient_rejection_is_retried_a_permanent_one_fails(
    engine: Engine, clock: FixedClock
) -> None:
    seed_subscribed_org(engine, channels=2)
    poster = RecordingDigestPoster(
        post_failures=[
            PostRejected("service_unavailable", retryable=True),
            PostRejected("channel_not_found", retryable=False),
        ]
    )
    run_digest_tick(engine, clock, poster)
    clock.advance(timedelta(minutes=2))
    run_digest_tick(engine, clock, poster)
    rows = digests(engine)
    assert sorted(row.status.value for row in rows) == ["failed", "sent"]
    assert {row.error for row in rows if row.status is DeliveryStatus.FAILED} == {
        "channel_not_found"
    }
    assert len(poster.main_posts()) == 1


def test_a_post_in_doubt_is_never_posted_again(engine: Engine, clock: FixedClock) -> None:
    seed_subscribed_org(engine)
    poster = RecordingDigestPoster(post_failures=[DeliveryUncertain("HTTP 500: internal_error")])
    assert run_digest_tick(engine, clock, poster).send.outcomes == {Outcome.UNSURE: 1}
    clock.advance(timedelta(hours=1))
    assert run_digest_tick(engine, clock, poster).send.claimed == 0
    (row,) = digests(engine)
    assert row.status is DeliveryStatus.FAILED and UNSURE in (row.error or "")
    assert poster.posts == []


def test_a_sender_that_died_after_posting_is_recovered_without_a_second_post(
    engine: Engine, clock: FixedClock
) -> None:
    seed_subscribed_org(engine)
    poster = RecordingDigestPoster()
    plan_digests(engine, clock)
    with unit_of_work(engine) as session:  # a replica claims, posts, records the ts, then dies
        (claim,) = claim_due_digests(session=session, now=clock.now(), lease=LEASE, limit=5)
    with unit_of_work(engine) as session:
        assert mark_posting(session=session, claim=claim)
        assert record_posted(session=session, claim=claim, message_ts="1799999999.000100")
    assert run_digest_tick(engine, clock, poster).send.claimed == 0  # leased
    clock.advance(LEASE + timedelta(seconds=1))
    report = run_digest_tick(engine, clock, poster)
    assert report.send.outcomes == {Outcome.FOUND: 1}
    (row,) = digests(engine)
    assert (row.status, row.message_ts) == (DeliveryStatus.SENT, "1799999999.000100")
    assert poster.posts == []  # the recovering claim posted nothing


def test_a_sender_that_died_mid_post_leaves_it_failed_not_doubled(
    engine: Engine, clock: FixedClock
) -> None:
    seed_subscribed_org(engine)
    poster = RecordingDigestPoster()
    with unit_of_work(engine) as session:
        from bot.digest.planning import plan_digests

    plan_digests(engine, clock)
    with unit_of_work(engine) as session:
        (claim,) = claim_due_digests(session=session, now=clock.now(), lease=LEASE, limit=5)
    with unit_of_work(engine) as session:
        assert mark_posting(session=session, claim=claim)  # then the process is killed
    clock.advance(LEASE + timedelta(seconds=1))
    assert run_digest_tick(engine, clock, poster).send.outcomes == {Outcome.UNSURE: 1}
    assert poster.posts == [] and digests(engine)[0].status is DeliveryStatus.FAILED


def test_without_files_write_the_digest_posts_without_its_chart(
    engine: Engine, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    seed_subscribed_org(engine)
    poster = RecordingDigestPoster(upload_failures=[PostRejected("missing_scope", retryable=False)])
    with caplog.at_level(logging.WARNING, logger="bot.digest.sending"):
        report = run_digest_tick(engine, clock, poster)
    assert (report.send.posted, report.send.charts, poster.uploads) == (1, 0, [])
    (row,) = digests(engine)
    assert row.status is DeliveryStatus.SENT and "files:write" in (row.error or "")
    assert any("lacks the files:write scope" in record.message for record in caplog.records)

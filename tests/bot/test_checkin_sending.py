"""Sending check-ins: claim, post once, recover rows left in doubt; fixed clock, no sleeping."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.checkins.sending import DEFAULT_LEASE, DM_POLICY, send_due
from bot.checkins.tick import run_tick
from bot.delivery.engine import DeliveryPolicy
from bot.delivery.outcomes import Outcome
from bot.delivery.tags import DM_EVENT_TYPE
from bot.delivery.types import (
    DeliveryUncertain,
    OutgoingMessage,
    PostRejected,
    RateLimited,
)
from bot.domain.clock import FixedClock
from storage.db import unit_of_work
from storage.repositories import outbox
from storage.repositories.outbox import ClaimedDelivery
from tests.checkin_support import RecordingPoster, compose, deliveries, seed_owners, seed_workspace

SLOT = datetime(2027, 1, 7, 10, 0, tzinfo=UTC)
NOW = SLOT + timedelta(minutes=1)


class RecordingPacer:
    """A pacer that never waits but remembers what it was asked, optionally moving the clock."""

    def __init__(self, clock: FixedClock | None = None, step: timedelta = timedelta(0)) -> None:
        self.acquired, self.pauses, self.clock, self.step = 0, list[float](), clock, step

    def acquire(self) -> float:
        """Count a post; move the clock by `step` as if waiting."""
        self.acquired += 1
        if self.clock is not None:
            self.clock.advance(self.step)
        return self.step.total_seconds()

    def pause(self, seconds: float) -> None:
        """Remember a pause."""
        self.pauses.append(seconds)


@pytest.fixture
def due(engine: Engine) -> list[int]:
    """Three owners whose check-in rows are planned and due."""
    seed_workspace(engine)
    ids = seed_owners(engine, count=3, next_checkin_at=SLOT)
    run_tick(engine, FixedClock(NOW), RecordingPoster(), compose, max_batches=0)
    return ids


def _policy(**changes: object) -> DeliveryPolicy:
    """The DM outbox's policy with some values changed."""
    return replace(DM_POLICY, **changes)  # type: ignore[arg-type]


def _send(
    engine: Engine, clock: FixedClock, poster: RecordingPoster, **kwargs: object
) -> dict[Outcome, int]:
    kwargs.setdefault("pacer", RecordingPacer())
    if "batch" in kwargs:
        base = kwargs.pop("policy", DM_POLICY)
        kwargs["policy"] = replace(base, batch=kwargs.pop("batch"))  # type: ignore[type-var]
    report = send_due(engine, clock, poster, compose, **kwargs)  # type: ignore[arg-type]
    return dict(report.outcomes)


def _claim_without_posting(engine: Engine, clock: FixedClock) -> list[ClaimedDelivery]:
    """What a replica that crashed right after claiming leaves behind."""
    with unit_of_work(engine) as session:
        return outbox.claim_due(session=session, now=clock.now(), lease=DEFAULT_LEASE, limit=10)


def test_each_due_row_is_posted_once_and_recorded(engine: Engine, due: list[int]) -> None:
    poster, pacer = RecordingPoster(), RecordingPacer()
    assert _send(engine, FixedClock(NOW), poster, pacer=pacer, batch=2) == {Outcome.SENT: 3}
    assert _send(engine, FixedClock(NOW), poster) == {}
    rows = deliveries(engine)
    assert sorted(poster.posted_ids()) == [r.id for r in rows]
    assert pacer.acquired == 3
    message, result = poster.posts[0]
    assert message.channel == "UT1000001"
    assert message.metadata == {
        "event_type": DM_EVENT_TYPE,
        "event_payload": {"delivery_id": rows[0].id},
    }
    assert (rows[0].status, rows[0].channel, rows[0].message_ts) == (
        "sent",
        result.channel,
        result.ts,
    )
    assert rows[0].sent_at == NOW


def test_an_expired_lease_is_claimed_again_and_posted(engine: Engine, due: list[int]) -> None:
    clock = FixedClock(NOW)
    _claim_without_posting(engine, clock)
    poster = RecordingPoster()
    clock.advance(DEFAULT_LEASE - timedelta(seconds=1))
    assert _send(engine, clock, poster) == {}
    clock.advance(timedelta(seconds=1))
    assert _send(engine, clock, poster) == {Outcome.SENT: 3}
    assert len(poster.lookups) == 3  # looked in the DM first, found nothing
    assert {r.attempts for r in deliveries(engine)} == {2}


def test_the_metadata_check_prevents_a_double_post(engine: Engine, due: list[int]) -> None:
    clock = FixedClock(NOW)
    claimed = _claim_without_posting(engine, clock)
    poster = RecordingPoster()
    poster.post(
        OutgoingMessage(
            channel=claimed[0].slack_user_id,
            text="hi",
            metadata={
                "event_type": DM_EVENT_TYPE,
                "event_payload": {"delivery_id": claimed[0].id},
            },
        )
    )
    clock.advance(DEFAULT_LEASE)  # the replica died after posting, before recording
    assert _send(engine, clock, poster) == {Outcome.FOUND: 1, Outcome.SENT: 2}
    assert sorted(poster.posted_ids()) == sorted(c.id for c in claimed)
    row = next(r for r in deliveries(engine) if r.id == claimed[0].id)
    assert (row.status, row.message_ts) == ("sent", poster.posts[0][1].ts)


def test_a_ratelimited_post_leaves_the_row_pending_for_later(
    engine: Engine, due: list[int]
) -> None:
    clock, pacer = FixedClock(NOW), RecordingPacer()
    poster = RecordingPoster(failures=[RateLimited(30)])
    assert _send(engine, clock, poster, pacer=pacer, policy=_policy(batch=1), max_batches=1) == {
        Outcome.RETRY: 1
    }
    assert pacer.pauses == [30]
    (row, *_) = deliveries(engine)
    assert (row.status, row.attempts, row.lease_until) == (
        "pending",
        0,
        NOW + timedelta(seconds=30),
    )
    assert _send(engine, clock, poster) == {Outcome.SENT: 2}  # the others go; it waits
    clock.advance(timedelta(seconds=30))
    assert _send(engine, clock, poster) == {Outcome.SENT: 1}
    assert len(poster.posts) == 3


def test_a_permanent_rejection_fails_the_row(engine: Engine, due: list[int]) -> None:
    poster = RecordingPoster(failures=[PostRejected("channel_not_found", retryable=False)])
    assert _send(engine, FixedClock(NOW), poster, policy=_policy(batch=1), max_batches=1) == {
        Outcome.FAILED: 1
    }
    (row, *_) = deliveries(engine)
    assert (row.status, row.error) == ("failed", "channel_not_found")


def test_a_transient_rejection_is_retried_then_given_up(engine: Engine, due: list[int]) -> None:
    clock, policy = FixedClock(NOW), _policy(max_attempts=2, retry_delay=timedelta(minutes=1))
    poster = RecordingPoster(failures=[PostRejected("service_unavailable", retryable=True)] * 2)
    assert _send(engine, clock, poster, batch=1, max_batches=1, policy=policy) == {Outcome.RETRY: 1}
    clock.advance(timedelta(minutes=1))
    assert _send(engine, clock, poster, batch=1, max_batches=1, policy=policy) == {
        Outcome.FAILED: 1
    }
    (row, *_) = deliveries(engine)
    assert (row.status, row.attempts, row.error) == ("failed", 2, "service_unavailable")


def test_an_unsure_post_is_looked_for_before_trying_again(engine: Engine, due: list[int]) -> None:
    clock, policy = FixedClock(NOW), _policy(recheck_delay=timedelta(minutes=2))
    poster = RecordingPoster(failures=[DeliveryUncertain("read timed out")])
    assert _send(engine, clock, poster, batch=1, max_batches=1, policy=policy) == {
        Outcome.UNSURE: 1
    }
    (row, *_) = deliveries(engine)
    assert (row.status, row.error, row.lease_until) == (
        "sending",
        "read timed out",
        NOW + timedelta(minutes=2),
    )
    clock.advance(timedelta(minutes=2))
    assert _send(engine, clock, poster, policy=policy) == {Outcome.SENT: 3}
    assert [look["delivery_id"] for look in poster.lookups] == [row.id]


def test_a_failed_lookup_keeps_the_row_in_doubt(engine: Engine, due: list[int]) -> None:
    clock = FixedClock(NOW)
    _claim_without_posting(engine, clock)
    clock.advance(DEFAULT_LEASE)
    poster = RecordingPoster(lookup_failures=[RateLimited(60)])
    outcomes = _send(engine, clock, poster, policy=_policy(batch=1), max_batches=1)
    assert outcomes == {Outcome.UNSURE: 1}
    assert poster.posts == []
    assert [r.status for r in deliveries(engine)] == ["sending"] * 3


def test_a_row_found_late_at_send_time_is_skipped(engine: Engine, due: list[int]) -> None:
    clock = FixedClock(SLOT + timedelta(hours=7))
    poster = RecordingPoster()
    assert _send(engine, clock, poster) == {Outcome.SKIPPED: 3}
    assert poster.posts == []
    assert {(r.status, r.error) for r in deliveries(engine)} == {("skipped", "late")}


def test_nothing_to_ask_is_recorded_as_skipped(engine: Engine, due: list[int]) -> None:
    poster = RecordingPoster()
    report = send_due(
        engine, FixedClock(NOW), poster, lambda delivery: None, pacer=RecordingPacer()
    )
    assert dict(report.outcomes) == {Outcome.SKIPPED: 3}
    assert {r.error for r in deliveries(engine)} == {"nothing due"}


def test_no_post_starts_once_half_the_lease_is_gone(engine: Engine, due: list[int]) -> None:
    clock = FixedClock(NOW)
    pacer = RecordingPacer(clock, step=DEFAULT_LEASE / 2)  # the pacer waited a long time
    poster = RecordingPoster()
    assert _send(engine, clock, poster, pacer=pacer, policy=_policy(batch=1), max_batches=1) == {
        Outcome.DEFERRED: 1
    }
    assert poster.posts == []
    (row, *_) = deliveries(engine)
    assert (row.status, row.attempts) == ("pending", 0)


def test_a_sender_stalled_past_its_lease_neither_posts_nor_overwrites(
    engine: Engine, due: list[int]
) -> None:
    clock, poster = FixedClock(NOW), RecordingPoster()

    def stalling_compose(delivery: ClaimedDelivery) -> OutgoingMessage:
        if delivery.attempt == 1:  # stalls past its lease; another replica takes the row over
            clock.advance(DEFAULT_LEASE)
            send_due(
                engine,
                clock,
                poster,
                compose,
                pacer=RecordingPacer(),
                policy=_policy(batch=1),
                max_batches=1,
            )
        return compose(delivery)

    report = send_due(
        engine,
        clock,
        poster,
        stalling_compose,
        pacer=RecordingPacer(),
        policy=_policy(batch=1),
        max_batches=1,
    )
    assert dict(report.outcomes) == {Outcome.LOST: 1}
    assert len(poster.posts) == 1
    (row, *_) = deliveries(engine)
    assert (row.status, row.attempts) == ("sent", 2)


def test_an_unexpected_error_hands_back_the_rows_not_yet_tried(
    engine: Engine, due: list[int]
) -> None:
    def broken_compose(delivery: ClaimedDelivery) -> OutgoingMessage:
        raise LookupError("the composer has a bug")

    with pytest.raises(LookupError):
        send_due(engine, FixedClock(NOW), RecordingPoster(), broken_compose, pacer=RecordingPacer())
    rows = deliveries(engine)
    assert [(r.status, r.attempts) for r in rows] == [
        ("sending", 1),
        ("pending", 0),
        ("pending", 0),
    ]


def test_rows_in_doubt_are_not_handed_back_unchecked(engine: Engine, due: list[int]) -> None:
    clock = FixedClock(NOW)
    _claim_without_posting(engine, clock)
    clock.advance(DEFAULT_LEASE)

    def broken_compose(delivery: ClaimedDelivery) -> OutgoingMessage:
        raise LookupError("the composer has a bug")

    with pytest.raises(LookupError):
        send_due(engine, clock, RecordingPoster(), broken_compose, pacer=RecordingPacer())
    assert [r.status for r in deliveries(engine)] == ["sending"] * 3


def test_a_row_that_cannot_be_looked_for_is_failed_not_posted_twice(
    engine: Engine, due: list[int]
) -> None:
    clock, policy = FixedClock(NOW), _policy(max_attempts=3, recheck_delay=DEFAULT_LEASE)
    _claim_without_posting(engine, clock)
    poster = RecordingPoster(lookup_failures=[PostRejected("missing_scope", retryable=False)] * 6)
    clock.advance(DEFAULT_LEASE)
    assert _send(engine, clock, poster, policy=policy) == {Outcome.UNSURE: 3}
    clock.advance(DEFAULT_LEASE)
    assert _send(engine, clock, poster, policy=policy) == {Outcome.FAILED: 3}
    assert poster.posts == []
    assert {r.error for r in deliveries(engine)} == {
        "could not tell whether it was posted; gave up: could not look for an earlier post: "
        "missing_scope"
    }


def test_an_unsure_post_is_held_for_a_look_even_on_its_last_attempt(
    engine: Engine, due: list[int]
) -> None:
    policy = _policy(max_attempts=1)
    poster = RecordingPoster(failures=[DeliveryUncertain("connection reset")])
    outcomes = _send(engine, FixedClock(NOW), poster, policy=policy, batch=1, max_batches=1)
    assert outcomes == {Outcome.UNSURE: 1}

"""When digests are due: the weekly slot, the first digest, catch-up, the late window, DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.digest.weeks import MISSED, TOO_LATE, due_slots, plan_subscription
from storage.models import DeliveryStatus
from storage.repositories.digest_outbox import PlannedSubscription

MONDAY_9 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def sub(
    created: datetime, last_due: datetime | None = None, tz: str = "UTC", time: str = "09:00"
) -> PlannedSubscription:
    return PlannedSubscription(1, "T1", created, tz, 0, time, last_due)


def test_the_first_digest_is_the_first_slot_after_subscribing() -> None:
    subscribed = MONDAY_9 + timedelta(minutes=5)  # just after this week's slot
    assert due_slots(sub(subscribed), MONDAY_9 + timedelta(days=6)) == []
    next_week = MONDAY_9 + timedelta(days=7)
    assert due_slots(sub(subscribed), next_week) == [("2027-W02", next_week)]


def test_one_row_per_week_and_a_second_plan_adds_nothing() -> None:
    rows = plan_subscription(sub(MONDAY_9 - timedelta(days=2)), MONDAY_9 + timedelta(hours=1))
    assert [(r.week_key, r.due_at, r.status) for r in rows] == [
        ("2027-W01", MONDAY_9, DeliveryStatus.PENDING)
    ]
    again = sub(MONDAY_9 - timedelta(days=2), last_due=MONDAY_9)
    assert plan_subscription(again, MONDAY_9 + timedelta(hours=2)) == []


def test_after_downtime_older_weeks_are_skipped_and_the_newest_posted_late() -> None:
    now = MONDAY_9 + timedelta(days=14, hours=20)  # three slots passed while down
    rows = plan_subscription(sub(MONDAY_9 - timedelta(days=1)), now)
    assert [(r.week_key, r.status, r.note) for r in rows] == [
        ("2027-W01", DeliveryStatus.SKIPPED, MISSED),
        ("2027-W02", DeliveryStatus.SKIPPED, MISSED),
        ("2027-W03", DeliveryStatus.PENDING, None),  # 20 h late: within the 24 h window
    ]


def test_a_digest_more_than_a_day_late_is_recorded_as_skipped() -> None:
    rows = plan_subscription(sub(MONDAY_9 - timedelta(days=1)), MONDAY_9 + timedelta(hours=25))
    assert [(r.status, r.note) for r in rows] == [(DeliveryStatus.SKIPPED, TOO_LATE)]


def test_the_slot_follows_the_workspace_clock_across_dst() -> None:
    new_york = sub(datetime(2027, 3, 1, tzinfo=UTC), tz="America/New_York")
    before = due_slots(new_york, datetime(2027, 3, 8, 20, 0, tzinfo=UTC))
    after = due_slots(new_york, datetime(2027, 3, 15, 20, 0, tzinfo=UTC))
    assert before[-1] == ("2027-W10", datetime(2027, 3, 8, 14, 0, tzinfo=UTC))  # EST
    assert after[-1] == ("2027-W11", datetime(2027, 3, 15, 13, 0, tzinfo=UTC))  # EDT


def test_a_nonexistent_local_time_moves_past_the_gap() -> None:
    night = sub(datetime(2027, 3, 1, tzinfo=UTC), tz="America/New_York", time="02:30")
    night = PlannedSubscription(1, "T1", night.created_at, night.timezone, 6, "02:30", None)
    slots = due_slots(night, datetime(2027, 3, 15, tzinfo=UTC))
    assert ("2027-W10", datetime(2027, 3, 14, 7, 0, tzinfo=UTC)) in slots  # 03:00 EDT

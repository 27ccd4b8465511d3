"""Planning what is due: normal ticks, new owners, catch-up after downtime, double fires."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest

from bot.rhythm import (
    DEFAULT_LATE_LIMIT,
    CheckinRule,
    OwnerSchedule,
    Plan,
    PlannedCheckin,
    SkippedCheckin,
    SkipReason,
    period_key,
    plan_due,
)
from storage.models import Cadence, DeliveryKind

NY = "America/New_York"
WEEKLY = CheckinRule(tz=NY)  # Thursday 10:00 New York
SLOT = datetime(2027, 3, 18, 14, 0, tzinfo=UTC)  # Thursday 18 March, 10:00 EDT (2027-W11)
NEXT_SLOT = datetime(2027, 3, 25, 14, 0, tzinfo=UTC)


def owner(
    next_at: datetime | None, rule: CheckinRule = WEEKLY, person_id: int = 7
) -> OwnerSchedule:
    """An owner with a stored next check-in."""
    return OwnerSchedule(person_id=person_id, rule=rule, next_checkin_at=next_at)


def test_the_default_late_limit_is_six_hours() -> None:
    assert timedelta(hours=6) == DEFAULT_LATE_LIMIT


def test_an_owner_not_yet_due_is_left_alone() -> None:
    assert plan_due([owner(SLOT)], SLOT - timedelta(seconds=1)) == Plan()


def test_a_due_owner_gets_one_checkin_and_the_next_slot() -> None:
    plan = plan_due([owner(SLOT)], SLOT + timedelta(seconds=30))
    assert plan == Plan(
        deliveries=(PlannedCheckin(7, "2027-W11", SLOT),),
        next_checkin_at={7: NEXT_SLOT},
    )
    assert plan.deliveries[0].kind is DeliveryKind.CHECKIN


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (SLOT - timedelta(hours=1), SLOT),  # later today is the next slot
        (SLOT, NEXT_SLOT),  # strictly after now: never an immediate check-in
        (SLOT + timedelta(minutes=5), NEXT_SLOT),  # just missed this week's: next week's
    ],
)
def test_a_new_owner_starts_at_the_next_slot_without_a_checkin_now(
    now: datetime, expected: datetime
) -> None:
    assert plan_due([owner(None)], now) == Plan(next_checkin_at={7: expected})


@pytest.mark.parametrize(
    ("late", "sent"),
    [
        (DEFAULT_LATE_LIMIT, True),
        (DEFAULT_LATE_LIMIT + timedelta(seconds=1), False),
    ],
)
def test_the_late_limit_is_inclusive(late: timedelta, sent: bool) -> None:
    plan = plan_due([owner(SLOT)], SLOT + late)
    assert (len(plan.deliveries), len(plan.skipped)) == ((1, 0) if sent else (0, 1))


def test_a_two_day_outage_records_the_missed_cycle_as_skipped_not_sent() -> None:
    # Down from Wednesday 17 to Friday 19 March: Thursday's slot is found 22 h late.
    now = datetime(2027, 3, 19, 12, 0, tzinfo=UTC)
    assert plan_due([owner(SLOT)], now) == Plan(
        skipped=(SkippedCheckin(7, "2027-W11", SLOT, SkipReason.LATE),),
        next_checkin_at={7: NEXT_SLOT},
    )


def test_a_longer_outage_skips_one_per_cycle_and_sends_only_a_fresh_slot() -> None:
    now = NEXT_SLOT + timedelta(days=7, hours=1)  # three slots passed, the last 1 h ago
    plan = plan_due([owner(SLOT)], now)
    assert plan.skipped == (
        SkippedCheckin(7, "2027-W11", SLOT, SkipReason.LATE),
        SkippedCheckin(7, "2027-W12", NEXT_SLOT, SkipReason.LATE),
    )
    assert plan.deliveries == (PlannedCheckin(7, "2027-W13", NEXT_SLOT + timedelta(days=7)),)
    assert plan.next_checkin_at == {7: NEXT_SLOT + timedelta(days=14)}


def test_a_generous_late_limit_still_never_bursts() -> None:
    now = NEXT_SLOT + timedelta(hours=1)
    plan = plan_due([owner(SLOT)], now, late_limit=timedelta(days=30))
    assert [row.period_key for row in plan.deliveries] == ["2027-W12"]
    assert [row.period_key for row in plan.skipped] == ["2027-W11"]


def test_a_custom_late_limit() -> None:
    now = datetime(2027, 3, 19, 12, 0, tzinfo=UTC)
    plan = plan_due([owner(SLOT)], now, late_limit=timedelta(days=1))
    assert plan.deliveries == (PlannedCheckin(7, "2027-W11", SLOT),)


def test_an_owner_who_went_away_after_scheduling_is_skipped_as_away() -> None:
    rule = CheckinRule(tz=NY, away_until=date(2027, 3, 19))
    plan = plan_due([owner(SLOT, rule)], SLOT + timedelta(seconds=30))
    assert plan == Plan(
        skipped=(SkippedCheckin(7, "2027-W11", SLOT, SkipReason.AWAY),),
        next_checkin_at={7: NEXT_SLOT},
    )


def test_several_owners_in_one_pass() -> None:
    now = SLOT + timedelta(seconds=30)
    owners = [owner(SLOT, person_id=1), owner(NEXT_SLOT, person_id=2), owner(None, person_id=3)]
    plan = plan_due(owners, now)
    assert plan.deliveries == (PlannedCheckin(1, "2027-W11", SLOT),)
    assert plan.next_checkin_at == {1: NEXT_SLOT, 3: NEXT_SLOT}


def test_two_replicas_planning_the_same_tick_produce_the_same_keys() -> None:
    now = SLOT + timedelta(seconds=30)
    first, second = plan_due([owner(SLOT)], now), plan_due([owner(SLOT)], now)
    assert first == second  # the outbox key (person, kind, period_key) collapses them


def test_a_dst_double_fire_maps_to_the_same_period_key() -> None:
    # Sunday 01:30 New York happens twice on 7 November; the slot is the first (05:30 UTC).
    rule = CheckinRule(weekday=6, local_time=time(1, 30), tz=NY, working_days=frozenset(range(7)))
    first = datetime(2027, 11, 7, 5, 30, tzinfo=UTC)
    plan = plan_due([owner(first, rule)], first + timedelta(seconds=30))
    assert plan.next_checkin_at == {7: datetime(2027, 11, 14, 6, 30, tzinfo=UTC)}
    # A replica that still holds the old next_checkin_at fires an hour later, at 01:30 EST:
    stale = plan_due([owner(first, rule)], first + timedelta(hours=1, seconds=30))
    assert stale.deliveries[0].period_key == plan.deliveries[0].period_key == "2027-W44"


def test_a_stale_next_checkin_from_an_old_rule_yields_one_row_per_cycle() -> None:
    # Stored from a Thursday rule; the rule is now Friday and both instants are due in W05.
    thursday = datetime(2027, 2, 4, 15, 0, tzinfo=UTC)
    friday_rule = CheckinRule(weekday=4, tz=NY)
    plan = plan_due([owner(thursday, friday_rule)], thursday + timedelta(days=1, minutes=1))
    assert plan.deliveries == (PlannedCheckin(7, "2027-W05", thursday + timedelta(days=1)),)
    assert plan.skipped == ()


def test_cadence_changes_mid_stream_never_ask_twice_in_a_period() -> None:
    """Weekly -> biweekly -> monthly, the caller clearing next_checkin_at at each change."""
    weekly = CheckinRule(tz=NY)
    biweekly = CheckinRule(cadence=Cadence.BIWEEKLY, weekday=4, tz=NY)
    monthly = CheckinRule(cadence=Cadence.MONTHLY, weekday=0, tz=NY)
    sent: list[tuple[CheckinRule, datetime]] = []
    changes = [
        (weekly, datetime(2027, 1, 18, 12, 0, tzinfo=UTC)),
        (biweekly, datetime(2027, 2, 5, 13, 0, tzinfo=UTC)),  # Friday, after Thursday's ask
        (monthly, datetime(2027, 3, 2, 12, 0, tzinfo=UTC)),  # after March's first Monday
    ]
    for index, (rule, changed_at) in enumerate(changes):
        until = (
            changes[index + 1][1] if index + 1 < len(changes) else changed_at + timedelta(days=60)
        )
        sent += [(rule, at) for at in run_ticks(rule, changed_at, until, sent)]
    assert [at for _, at in sent] == [
        datetime(2027, 1, 21, 15, 0, tzinfo=UTC),  # weekly Thursday W03
        datetime(2027, 1, 28, 15, 0, tzinfo=UTC),  # W04
        datetime(2027, 2, 4, 15, 0, tzinfo=UTC),  # W05
        datetime(2027, 2, 19, 15, 0, tzinfo=UTC),  # biweekly Friday: W05/06 already asked
        datetime(2027, 4, 5, 14, 0, tzinfo=UTC),  # monthly Monday: 1 March had passed
    ]
    for (_, earlier), (rule, later) in pairwise(sent):  # keys under the rule then in force
        assert period_key(rule, earlier) != period_key(rule, later)


def run_ticks(
    rule: CheckinRule, start: datetime, until: datetime, sent: list[tuple[CheckinRule, datetime]]
) -> list[datetime]:
    """Tick at a rule change (next cleared), then a minute after each slot; return the sends."""
    last = sent[-1][1] if sent else None
    schedule = OwnerSchedule(7, rule, None, last_due_at=last)
    now, sends = start, []
    while now < until:
        plan = plan_due([schedule], now)
        sends += [row.due_at for row in plan.deliveries]
        if 7 in plan.next_checkin_at:
            schedule = OwnerSchedule(7, rule, plan.next_checkin_at[7])
        now = min(schedule.next_checkin_at or until, until) + timedelta(minutes=1)
    return sends


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        plan_due([owner(SLOT)], datetime(2027, 3, 18))  # noqa: DTZ001

"""Planning check-ins into the outbox, on both backends, with a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, update
from sqlmodel import col

from bot.checkins.planning import plan_checkins, plan_owners
from bot.domain.clock import FixedClock
from bot.rhythm import DEFAULT_LATE_LIMIT, CheckinRule, OwnerSchedule, build_rule, plan_due
from storage.db import unit_of_work
from storage.models import GoalStatus, Person
from storage.repositories.outbox import DueOwner
from tests.checkin_support import deliveries, seed_owners, seed_workspace

SLOT = datetime(2027, 1, 7, 10, 0, tzinfo=UTC)  # Thursday 10:00 UTC, the workspace default
NEXT_SLOT = SLOT + timedelta(days=7)
ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]


def _next_checkin(engine: Engine, person_id: int) -> datetime | None:
    with unit_of_work(engine) as session:
        person = session.get(Person, person_id)
        assert person is not None
        return person.next_checkin_at


def _set_next(engine: Engine, at: datetime | None) -> None:
    with unit_of_work(engine) as session:
        session.execute(update(Person).values(next_checkin_at=at))


def test_planning_creates_one_row_per_due_owner_and_moves_them_on(engine: Engine) -> None:
    seed_workspace(engine)
    ids = seed_owners(engine, count=3, next_checkin_at=SLOT)
    report = plan_checkins(engine, FixedClock(SLOT + timedelta(minutes=1)))
    assert (report.owners, report.planned, report.skipped, report.moved) == (3, 3, 0, 3)
    rows = deliveries(engine)
    assert [(r.person_id, r.period_key, r.due_at, r.status) for r in rows] == [
        (pid, "2027-W01", SLOT, "pending") for pid in ids
    ]
    assert _next_checkin(engine, ids[0]) == NEXT_SLOT


def test_planning_twice_inserts_each_check_in_once(engine: Engine) -> None:
    seed_workspace(engine)
    seed_owners(engine, count=3, next_checkin_at=SLOT)
    clock = FixedClock(SLOT + timedelta(minutes=1))
    plan_checkins(engine, clock)
    assert plan_checkins(engine, clock).owners == 0
    _set_next(engine, SLOT)  # a replica that read the owners before the first plan committed
    again = plan_checkins(engine, clock)
    assert (again.owners, again.planned, again.moved) == (3, 0, 3)
    assert len(deliveries(engine)) == 3


def test_a_dst_double_fire_collapses_to_one_row(engine: Engine) -> None:
    seed_workspace(engine)
    # Cairo leaves DST at the end of Thursday 28 October 2027: 23:30 happens twice.
    first = datetime(2027, 10, 28, 20, 30, tzinfo=UTC)  # 23:30 EEST
    second = first + timedelta(hours=1)  # 23:30 EET, where a wall-clock cron fires again
    (pid,) = seed_owners(
        engine, count=1, next_checkin_at=first, tz="Africa/Cairo", checkin_time="23:30"
    )
    assert plan_checkins(engine, FixedClock(first + timedelta(minutes=1))).planned == 1
    _set_next(engine, second)
    assert plan_checkins(engine, FixedClock(second + timedelta(minutes=1))).planned == 0
    assert [(r.period_key, r.due_at) for r in deliveries(engine)] == [("2027-W43", first)]
    assert _next_checkin(engine, pid) == datetime(2027, 11, 4, 21, 30, tzinfo=UTC)


def test_catch_up_after_two_days_down_records_a_skip_not_a_send(engine: Engine) -> None:
    seed_workspace(engine)
    (pid,) = seed_owners(engine, count=1, next_checkin_at=SLOT)
    report = plan_checkins(engine, FixedClock(SLOT + timedelta(days=2)))
    assert (report.planned, report.skipped) == (0, 1)
    assert [(r.status, r.error) for r in deliveries(engine)] == [("skipped", "skipped: late")]
    assert _next_checkin(engine, pid) == NEXT_SLOT


def test_catch_up_after_three_weeks_skips_each_missed_week_and_sends_the_latest(
    engine: Engine,
) -> None:
    seed_workspace(engine)
    seed_owners(engine, count=1, next_checkin_at=SLOT)
    report = plan_checkins(engine, FixedClock(SLOT + timedelta(weeks=3, hours=1)))
    assert (report.planned, report.skipped) == (1, 3)
    rows = sorted(deliveries(engine), key=lambda r: r.due_at)
    assert [(r.period_key, r.status) for r in rows] == [
        ("2027-W01", "skipped"),
        ("2027-W02", "skipped"),
        ("2027-W03", "skipped"),
        ("2027-W04", "pending"),
    ]


def test_a_new_owner_is_scheduled_not_asked_at_once(engine: Engine) -> None:
    seed_workspace(engine)
    (pid,) = seed_owners(engine, count=1, next_checkin_at=None)
    report = plan_checkins(engine, FixedClock(SLOT + timedelta(minutes=1)))
    assert (report.owners, report.planned, report.moved) == (1, 0, 1)
    assert deliveries(engine) == []
    assert _next_checkin(engine, pid) == NEXT_SLOT


def test_an_owner_without_an_active_goal_is_parked_until_they_have_one(engine: Engine) -> None:
    seed_workspace(engine)
    (pid,) = seed_owners(engine, count=1, next_checkin_at=SLOT, goal_status=GoalStatus.ACHIEVED)
    report = plan_checkins(engine, FixedClock(SLOT + timedelta(minutes=1)))
    assert (report.owners, report.parked) == (0, 1)
    assert deliveries(engine) == []
    assert _next_checkin(engine, pid) is None


def test_an_owner_away_on_the_slot_is_recorded_as_skipped(engine: Engine) -> None:
    seed_workspace(engine)
    seed_owners(engine, count=1, next_checkin_at=SLOT, away_until=date(2027, 1, 8))
    report = plan_checkins(engine, FixedClock(SLOT + timedelta(minutes=1)))
    assert (report.planned, report.skipped) == (0, 1)
    assert [r.error for r in deliveries(engine)] == ["skipped: away"]


def test_planning_by_group_matches_planning_each_owner() -> None:
    now = SLOT + timedelta(hours=3)
    owners = [
        DueOwner(
            person_id=n,
            team_id="T1",
            next_checkin_at=None if n % 7 == 0 else SLOT - timedelta(days=n % 20),
            tz=ZONES[n % 5],
            checkin_weekday=n % 5,
            checkin_time=None if n % 3 else "09:00",
            away_until=None,
            cadence=("weekly", "biweekly", "monthly")[n % 3],
            workspace_weekday=3,
            workspace_time="10:00",
            workspace_tz="UTC",
            holidays=(),
        )
        for n in range(1, 300)
    ]
    rules = {o.person_id: _rule(o) for o in owners}
    each = plan_due(
        [OwnerSchedule(o.person_id, rules[o.person_id], o.next_checkin_at) for o in owners], now
    )
    grouped = plan_owners(owners, now, DEFAULT_LATE_LIMIT)
    assert set(grouped.deliveries) == set(each.deliveries)
    assert set(grouped.skipped) == set(each.skipped)
    assert dict(grouped.next_checkin_at) == dict(each.next_checkin_at)


def _rule(owner: DueOwner) -> CheckinRule:
    return build_rule(
        cadence=owner.cadence,
        weekday=owner.workspace_weekday,
        checkin_time=owner.workspace_time,
        workspace_tz=owner.workspace_tz,
        person_tz=owner.tz,
        person_weekday=owner.checkin_weekday,
        person_time=owner.checkin_time,
    )


def test_invalid_settings_hold_back_only_their_owner(engine: Engine) -> None:
    seed_workspace(engine)
    (bad,) = seed_owners(engine, count=1, next_checkin_at=SLOT, checkin_time="25:99")
    (good,) = seed_owners(engine, count=1, first=2, next_checkin_at=SLOT)
    report = plan_checkins(engine, FixedClock(SLOT + timedelta(minutes=1)))
    assert report.planned == 1
    assert [r.person_id for r in deliveries(engine)] == [good]
    assert _next_checkin(engine, bad) == SLOT


def test_ten_thousand_owners_due_at_once_are_each_planned_once(engine: Engine) -> None:
    # How fast is measured in bench/ (figures, not assertions); this checks the result at scale.
    seed_workspace(engine)
    for index, zone in enumerate(ZONES):
        seed_owners(engine, count=2000, first=1 + index * 2000, next_checkin_at=SLOT, tz=zone)
    with unit_of_work(engine) as session:
        session.execute(update(Person).where(col(Person.id) % 2 == 0).values(checkin_time="09:00"))
    report = plan_checkins(engine, FixedClock(SLOT + timedelta(minutes=5)))
    assert (report.owners, report.planned + report.skipped, report.moved) == (
        10_000,
        10_000,
        10_000,
    )

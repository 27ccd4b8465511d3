"""The outbox repository on both backends: due owners, idempotent inserts, leases, fences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, update
from sqlmodel import col

from storage.db import unit_of_work
from storage.models import CheckinDelivery, DeliveryStatus, GoalStatus, Person
from storage.repositories import leases, outbox
from storage.repositories.outbox import OUTBOX, ClaimedDelivery, NewDelivery, NextCheckin
from tests.checkin_support import deliveries, seed_owners, seed_workspace

NOW = datetime(2027, 1, 7, 10, 5, tzinfo=UTC)
SLOT = datetime(2027, 1, 7, 10, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)


def _rows(person_ids: list[int], key: str = "2027-W01") -> list[NewDelivery]:
    return [NewDelivery("T1", pid, key, SLOT) for pid in person_ids]


def _claim(engine: Engine, at: datetime = NOW, limit: int = 10) -> list[ClaimedDelivery]:
    with unit_of_work(engine) as session:
        return outbox.claim_due(session=session, now=at, lease=LEASE, limit=limit)


def _insert(engine: Engine, rows: list[NewDelivery]) -> dict[DeliveryStatus, int]:
    with unit_of_work(engine) as session:
        return dict(outbox.insert_deliveries(session=session, rows=rows, now=NOW))


def test_due_owners_are_active_people_with_an_active_goal(engine: Engine) -> None:
    seed_workspace(engine, cadence="biweekly", holidays=["2027-01-01"], timezone="Europe/Oslo")
    due = seed_owners(engine, count=2, next_checkin_at=SLOT, tz="Asia/Tokyo", checkin_time="09:30")
    new = seed_owners(engine, count=1, first=3, next_checkin_at=None)
    seed_owners(engine, count=1, first=4, next_checkin_at=NOW + timedelta(minutes=1))
    seed_owners(engine, count=1, first=5, next_checkin_at=SLOT, goal_status=GoalStatus.DRAFT)
    seed_owners(engine, count=1, first=6, next_checkin_at=SLOT, is_active=False)
    with unit_of_work(engine) as session:
        owners = outbox.load_due_owners(session=session, now=NOW)
    assert [o.person_id for o in owners] == due + new
    first = owners[0]
    assert (first.cadence, first.workspace_tz, first.holidays) == (
        "biweekly",
        "Europe/Oslo",
        ("2027-01-01",),
    )
    assert (first.tz, first.checkin_time, first.next_checkin_at) == ("Asia/Tokyo", "09:30", SLOT)


def test_due_owners_can_be_limited_to_one_workspace(engine: Engine) -> None:
    seed_workspace(engine, "T1")
    seed_workspace(engine, "T2")
    seed_owners(engine, count=1, next_checkin_at=SLOT, team_id="T1")
    theirs = seed_owners(engine, count=1, next_checkin_at=SLOT, team_id="T2")
    with unit_of_work(engine) as session:
        owners = outbox.load_due_owners(session=session, now=NOW, team_id="T2")
    assert [o.person_id for o in owners] == theirs


def test_an_unscheduled_owner_comes_with_their_last_check_in(engine: Engine) -> None:
    seed_workspace(engine)
    (pid,) = seed_owners(engine, count=1, next_checkin_at=None)
    _insert(
        engine,
        [
            NewDelivery("T1", pid, "2026-W52", SLOT - timedelta(days=14)),
            NewDelivery("T1", pid, "2027-W01", SLOT),
        ],
    )
    with unit_of_work(engine) as session:
        (owner,) = outbox.load_due_owners(session=session, now=NOW)
    assert owner.last_due_at == SLOT


def test_inserting_the_same_rows_twice_creates_them_once(engine: Engine) -> None:
    seed_workspace(engine)
    ids = seed_owners(engine, count=3, next_checkin_at=SLOT)
    skipped = NewDelivery("T1", ids[0], "2026-W52", SLOT, DeliveryStatus.SKIPPED, note="late")
    assert _insert(engine, [*_rows(ids), skipped]) == {"pending": 3, "skipped": 1}
    assert _insert(engine, [*_rows(ids), skipped]) == {}
    rows = deliveries(engine)
    assert len(rows) == 4
    assert {(r.status, r.error) for r in rows} == {("pending", None), ("skipped", "late")}


def test_next_check_in_moves_only_from_the_value_the_planner_read(engine: Engine) -> None:
    seed_workspace(engine)
    a, b = seed_owners(engine, count=2, next_checkin_at=SLOT)
    with unit_of_work(engine) as session:  # a rule change unsets b's next check-in meanwhile
        session.execute(update(Person).where(col(Person.id) == b).values(next_checkin_at=None))
    later = SLOT + timedelta(days=7)
    moves = [NextCheckin(a, SLOT, later), NextCheckin(b, SLOT, later)]
    with unit_of_work(engine) as session:
        assert outbox.move_next_checkins(session=session, moves=moves) == 1
    with unit_of_work(engine) as session:
        assert session.get(Person, a).next_checkin_at == later  # type: ignore[union-attr]
        assert session.get(Person, b).next_checkin_at is None  # type: ignore[union-attr]


def test_idle_owners_are_parked(engine: Engine) -> None:
    seed_workspace(engine)
    (idle,) = seed_owners(engine, count=1, next_checkin_at=SLOT, goal_status=GoalStatus.ACHIEVED)
    (busy,) = seed_owners(engine, count=1, first=2, next_checkin_at=SLOT)
    with unit_of_work(engine) as session:
        assert outbox.park_idle_owners(session=session, now=NOW) == 1
    with unit_of_work(engine) as session:
        assert session.get(Person, idle).next_checkin_at is None  # type: ignore[union-attr]
        assert session.get(Person, busy).next_checkin_at == SLOT  # type: ignore[union-attr]


def test_a_claim_leases_due_rows_in_order_up_to_the_limit(engine: Engine) -> None:
    seed_workspace(engine)
    ids = seed_owners(engine, count=4, next_checkin_at=SLOT)
    future = NewDelivery("T1", ids[3], "2027-W01", NOW + timedelta(hours=1))
    _insert(engine, [*_rows(ids[:3]), future])
    first = _claim(engine, limit=2)
    assert [(c.person_id, c.attempt, c.recovering) for c in first] == [
        (ids[0], 1, False),
        (ids[1], 1, False),
    ]
    assert first[0].slack_user_id == "UT1000001"
    assert first[0].lease_until == NOW + LEASE
    assert [c.person_id for c in _claim(engine)] == [ids[2]]  # leased and future rows are not
    assert _claim(engine) == []


def test_an_expired_lease_is_claimed_again_as_recovering(engine: Engine) -> None:
    seed_workspace(engine)
    ids = seed_owners(engine, count=2, next_checkin_at=SLOT)
    _insert(engine, _rows(ids))
    (earlier,) = _claim(engine, limit=1)
    _mark_old_sent(engine, ids[0], "D123", SLOT - timedelta(days=14))
    _mark_old_sent(engine, ids[1], "D999", SLOT - timedelta(days=7))  # someone else's, later
    assert _claim(engine, NOW + LEASE - timedelta(seconds=1), limit=1)[0].person_id == ids[1]
    (again,) = _claim(engine, NOW + LEASE)
    assert (again.id, again.attempt, again.recovering) == (earlier.id, 2, True)
    assert again.known_channel == "D123"


def _mark_old_sent(engine: Engine, person_id: int, channel: str, at: datetime) -> None:
    """An older delivery to the person, sent in the DM `channel`."""
    _insert(engine, [NewDelivery("T1", person_id, "old", at)])
    with unit_of_work(engine) as session:
        session.execute(
            update(CheckinDelivery)
            .where(col(CheckinDelivery.person_id) == person_id)
            .where(col(CheckinDelivery.period_key) == "old")
            .values(status="sent", channel=channel, sent_at=at)
        )


def test_writes_are_fenced_by_the_claim_that_holds_the_row(engine: Engine) -> None:
    seed_workspace(engine)
    _insert(engine, _rows(seed_owners(engine, count=1, next_checkin_at=SLOT)))
    (stale,) = _claim(engine)
    (current,) = _claim(engine, NOW + LEASE)
    with unit_of_work(engine) as session:
        assert not outbox.mark_sent(
            session=session, claim=stale, channel="D1", message_ts="1.0", sent_at=NOW
        )
        assert outbox.mark_sent(
            session=session, claim=current, channel="D1", message_ts="2.0", sent_at=NOW
        )
    (row,) = deliveries(engine)
    assert (row.status, row.message_ts, row.channel, row.lease_until) == ("sent", "2.0", "D1", None)


def test_a_released_row_waits_until_its_retry_time(engine: Engine) -> None:
    seed_workspace(engine)
    _insert(engine, _rows(seed_owners(engine, count=1, next_checkin_at=SLOT)))
    (claim,) = _claim(engine)
    retry_at = NOW + timedelta(seconds=30)
    with unit_of_work(engine) as session:
        assert leases.release(
            session=session, table=OUTBOX, claim=claim, retry_at=retry_at, count_attempt=False
        )
    (row,) = deliveries(engine)
    assert (row.status, row.attempts, row.lease_until) == ("pending", 0, retry_at)
    assert _claim(engine, retry_at - timedelta(seconds=1)) == []
    assert [c.attempt for c in _claim(engine, retry_at)] == [1]


def test_failed_skipped_and_unsure_rows_keep_their_reason(engine: Engine) -> None:
    seed_workspace(engine)
    _insert(engine, _rows(seed_owners(engine, count=3, next_checkin_at=SLOT)))
    a, b, c = _claim(engine)
    with unit_of_work(engine) as session:
        leases.mark_failed(session=session, table=OUTBOX, claim=a, error="channel_not_found")
        leases.mark_skipped(session=session, table=OUTBOX, claim=b, reason="late")
        leases.hold_unsure(session=session, table=OUTBOX, claim=c, check_at=NOW, error="timeout")
    rows = {r.id: r for r in deliveries(engine)}
    assert (rows[a.id].status, rows[a.id].error) == ("failed", "channel_not_found")
    assert (rows[b.id].status, rows[b.id].error) == ("skipped", "late")
    assert (rows[c.id].status, rows[c.id].error, rows[c.id].lease_until) == (
        "sending",
        "timeout",
        NOW,
    )


def test_claims_can_be_limited_to_one_workspace(engine: Engine) -> None:
    seed_workspace(engine, "T1")
    seed_workspace(engine, "T2")
    _insert(engine, _rows(seed_owners(engine, count=1, next_checkin_at=SLOT, team_id="T1")))
    (pid,) = seed_owners(engine, count=1, next_checkin_at=SLOT, team_id="T2")
    _insert(engine, [NewDelivery("T2", pid, "2027-W01", SLOT)])
    with unit_of_work(engine) as session:
        claimed = outbox.claim_due(session=session, now=NOW, lease=LEASE, limit=5, team_id="T2")
    assert [c.team_id for c in claimed] == ["T2"]


def test_a_send_is_recorded_even_if_the_owner_answered_first(engine: Engine) -> None:
    seed_workspace(engine)
    _insert(engine, _rows(seed_owners(engine, count=1, next_checkin_at=SLOT)))
    (claim,) = _claim(engine)
    with unit_of_work(engine) as session:  # the answer lands between the post and its record
        session.execute(update(CheckinDelivery).values(status="answered", answered_at=NOW))
    with unit_of_work(engine) as session:
        assert outbox.mark_sent(
            session=session, claim=claim, channel="D1", message_ts="1.5", sent_at=NOW
        )
    (row,) = deliveries(engine)
    assert (row.status, row.message_ts, row.sent_at) == ("answered", "1.5", NOW)

"""Follow-ups of sent check-ins: missed, one reminder, escalation, the weekly DM cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, update
from sqlmodel import col

from bot.checkins.compose import CheckinComposer
from bot.checkins.tick import TickReport, run_tick
from bot.domain.clock import FixedClock
from bot.services.goals import GoalService
from storage.db import unit_of_work
from storage.models import CheckinDelivery, DeliveryKind, DeliveryStatus, Unit
from storage.repositories.outbox import ClaimedDelivery
from tests.checkin_support import RecordingPoster, compose, deliveries, seed_owners, seed_workspace

SLOT = datetime(2027, 1, 7, 10, 0, tzinfo=UTC)  # Thursday 10:00, the workspace default (UTC)
WEEK = timedelta(days=7)


def _tick(engine: Engine, at: datetime, poster: RecordingPoster) -> TickReport:
    return run_tick(engine, FixedClock(at), poster, compose)


def _rows(engine: Engine, kind: DeliveryKind) -> list[CheckinDelivery]:
    return [row for row in deliveries(engine) if row.kind == kind]


def _statuses(engine: Engine, kind: DeliveryKind) -> list[DeliveryStatus]:
    return [row.status for row in _rows(engine, kind)]


def test_one_reminder_a_day_after_an_unanswered_checkin(engine: Engine) -> None:
    seed_workspace(engine)
    seed_owners(engine, count=2, next_checkin_at=SLOT)
    poster = RecordingPoster()
    _tick(engine, SLOT + timedelta(minutes=1), poster)
    assert _tick(engine, SLOT + timedelta(hours=23), poster).followups.reminders == 0
    report = _tick(engine, SLOT + timedelta(days=1, minutes=1), poster)
    assert (report.followups.reminders, report.send.sent) == (2, 2)
    assert _tick(engine, SLOT + timedelta(days=1, hours=2), poster).followups.reminders == 0
    reminders = _rows(engine, DeliveryKind.REMINDER)
    assert [r.period_key for r in reminders] == ["2027-W01", "2027-W01"]
    assert len(poster.posts) == 4


def test_unanswered_checkin_is_missed_when_its_cycle_ends(engine: Engine) -> None:
    seed_workspace(engine, escalation_enabled=False)
    seed_owners(engine, count=1, next_checkin_at=SLOT)
    poster = RecordingPoster()
    _tick(engine, SLOT + timedelta(minutes=1), poster)
    assert _tick(engine, SLOT + WEEK - timedelta(minutes=1), poster).followups.missed == 0
    report = _tick(engine, SLOT + WEEK, poster)
    assert report.followups.missed == 1
    assert _statuses(engine, DeliveryKind.CHECKIN) == [DeliveryStatus.MISSED, DeliveryStatus.SENT]


def test_answered_checkin_is_neither_reminded_nor_missed(engine: Engine) -> None:
    seed_workspace(engine)
    seed_owners(engine, count=1, next_checkin_at=SLOT)
    poster = RecordingPoster()
    _tick(engine, SLOT + timedelta(minutes=1), poster)
    with unit_of_work(engine) as session:
        session.execute(update(CheckinDelivery).values(status=DeliveryStatus.ANSWERED))
    report = _tick(engine, SLOT + timedelta(days=1, minutes=1), poster)
    assert report.followups == type(report.followups)()
    assert _tick(engine, SLOT + WEEK, poster).followups.missed == 0


def _miss_weeks(engine: Engine, poster: RecordingPoster, weeks: int) -> list[TickReport]:
    _tick(engine, SLOT + timedelta(minutes=1), poster)
    return [_tick(engine, SLOT + WEEK * n, poster) for n in range(1, weeks + 1)]


def test_second_missed_checkin_in_a_row_escalates_once(engine: Engine) -> None:
    seed_workspace(engine)
    seed_owners(engine, count=1, next_checkin_at=SLOT)
    reports = _miss_weeks(engine, RecordingPoster(), 3)
    assert [r.followups.escalations for r in reports] == [0, 1, 0]
    escalation = _rows(engine, DeliveryKind.ESCALATION)
    assert [(e.period_key, e.status) for e in escalation] == [("2027-W02", DeliveryStatus.SENT)]


def test_no_escalation_when_the_workspace_turned_it_off(engine: Engine) -> None:
    seed_workspace(engine, escalation_enabled=False)
    seed_owners(engine, count=1, next_checkin_at=SLOT)
    reports = _miss_weeks(engine, RecordingPoster(), 2)
    assert [r.followups.escalations for r in reports] == [0, 0]


def test_weekly_cap_skips_reminders_but_never_checkins(engine: Engine) -> None:
    seed_workspace(engine, weekly_dm_cap=1)
    seed_owners(engine, count=1, next_checkin_at=SLOT)
    poster = RecordingPoster()
    _tick(engine, SLOT + timedelta(minutes=1), poster)
    _tick(engine, SLOT + timedelta(days=1, minutes=1), poster)
    (reminder,) = _rows(engine, DeliveryKind.REMINDER)
    assert (reminder.status, reminder.error) == (DeliveryStatus.SKIPPED, "weekly cap")
    assert _statuses(engine, DeliveryKind.CHECKIN) == [DeliveryStatus.SENT]


def test_zero_cap_still_sends_the_checkin(engine: Engine) -> None:
    seed_workspace(engine, weekly_dm_cap=0)
    seed_owners(engine, count=1, next_checkin_at=SLOT)
    assert _tick(engine, SLOT + timedelta(minutes=1), RecordingPoster()).send.sent == 1


def _claimed(row: CheckinDelivery, slack_user_id: str) -> ClaimedDelivery:
    assert row.id is not None
    return ClaimedDelivery(
        id=row.id,
        team_id=row.team_id,
        person_id=row.person_id,
        kind=row.kind,
        period_key=row.period_key,
        due_at=row.due_at,
        attempt=1,
        lease_until=row.due_at + timedelta(minutes=10),
        recovering=False,
        slack_user_id=slack_user_id,
    )


def _composer(engine: Engine, at: datetime) -> CheckinComposer:
    return CheckinComposer(GoalService(engine, FixedClock(at)), engine=engine)


def test_reminder_answers_the_original_checkin(engine: Engine) -> None:
    seed_workspace(engine)
    seed_owners(engine, count=1, next_checkin_at=SLOT, user_ids=["UOWN"])
    at = SLOT + timedelta(days=1, minutes=1)
    _tick(engine, SLOT + timedelta(minutes=1), RecordingPoster())
    run_tick(engine, FixedClock(at), RecordingPoster(), compose, max_batches=0)
    (original,), (reminder,) = (
        _rows(engine, DeliveryKind.CHECKIN),
        _rows(engine, DeliveryKind.REMINDER),
    )
    message = _composer(engine, at)(_claimed(reminder, "UOWN"))
    assert message is not None and message.channel == "UOWN"
    assert "Reminder" in message.text and f'"value": "{original.id}"' in str(
        message.blocks
    ).replace("'", '"')
    with unit_of_work(engine) as session:
        session.execute(update(CheckinDelivery).values(status=DeliveryStatus.ANSWERED))
    assert _composer(engine, at)(_claimed(reminder, "UOWN")) is None


def test_escalation_goes_to_the_units_lead(engine: Engine) -> None:
    unit_id = seed_workspace(engine)
    seed_owners(engine, count=1, next_checkin_at=SLOT, user_ids=["UOWN"])
    (lead_id,) = seed_owners(engine, count=1, next_checkin_at=None, first=2, user_ids=["ULEAD"])
    at = SLOT + 2 * WEEK
    _tick(engine, SLOT + timedelta(minutes=1), RecordingPoster())
    _tick(engine, SLOT + WEEK, RecordingPoster())
    run_tick(engine, FixedClock(at), RecordingPoster(), compose, max_batches=0)
    (escalation,) = _rows(engine, DeliveryKind.ESCALATION)
    assert _composer(engine, at)(_claimed(escalation, "UOWN")) is None  # no lead yet
    with unit_of_work(engine) as session:
        session.execute(update(Unit).where(col(Unit.id) == unit_id).values(lead_id=lead_id))
    message = _composer(engine, at)(_claimed(escalation, "UOWN"))
    assert message is not None and message.channel == "ULEAD"
    assert "<@UOWN> has missed 2 check-ins in a row" in message.text

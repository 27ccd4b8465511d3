"""Reminders inside working hours, the weekly DM cap and escalation."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest

from bot.rhythm import (
    DEFAULT_WEEKLY_DM_CAP,
    ESCALATION_THRESHOLD,
    REMINDER_DELAY,
    WORKING_HOURS,
    CheckinRule,
    into_working_hours,
    reminder_at,
    should_escalate,
    within_weekly_cap,
)

NY, BERLIN, SYDNEY = "America/New_York", "Europe/Berlin", "Australia/Sydney"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_documented_defaults() -> None:
    assert timedelta(hours=24) == REMINDER_DELAY
    assert (WORKING_HOURS.start, WORKING_HOURS.end) == (time(9, 0), time(17, 0))
    assert (DEFAULT_WEEKLY_DM_CAP, ESCALATION_THRESHOLD) == (5, 2)


THURSDAY = CheckinRule(tz=NY)
FRIDAY = CheckinRule(weekday=4, tz=NY)


@pytest.mark.parametrize(
    ("rule", "sent_at", "expected"),
    [
        # Sent Thursday 10:00 EDT: Friday 10:00 EDT is inside working hours.
        (THURSDAY, utc(2027, 3, 18, 14, 0), utc(2027, 3, 19, 14, 0)),
        # Sent Thursday 17:30 EDT: Friday 17:30 is after hours, so Monday 09:00.
        (THURSDAY, utc(2027, 3, 18, 21, 30), utc(2027, 3, 22, 13, 0)),
        # Sent Friday 10:00 EST: Saturday, so Monday 09:00, now EDT.
        (FRIDAY, utc(2027, 3, 12, 15, 0), utc(2027, 3, 15, 13, 0)),
        # Sent Wednesday 05:00 EDT: Thursday 05:00 is before hours, so Thursday 09:00.
        (
            CheckinRule(weekday=2, local_time=time(5), tz=NY),
            utc(2027, 3, 17, 9),
            utc(2027, 3, 18, 13),
        ),
        # A Friday holiday: Monday 09:00.
        (
            CheckinRule(tz=NY, holidays=frozenset({date(2027, 3, 19)})),
            utc(2027, 3, 18, 14, 0),
            utc(2027, 3, 22, 13, 0),
        ),
        # Berlin across its spring change: Friday 10:00 CET, reminded Monday 09:00 CEST.
        (CheckinRule(weekday=4, tz=BERLIN), utc(2027, 3, 26, 9, 0), utc(2027, 3, 29, 7, 0)),
        # Sydney across its autumn change: Friday 10:00 AEDT, reminded Monday 09:00 AEST.
        (CheckinRule(weekday=4, tz=SYDNEY), utc(2027, 4, 1, 23, 0), utc(2027, 4, 4, 23, 0)),
    ],
)
def test_reminder_lands_in_local_working_hours(
    rule: CheckinRule, sent_at: datetime, expected: datetime
) -> None:
    assert reminder_at(rule, sent_at) == expected


def test_no_reminder_when_it_would_fall_after_the_cycle() -> None:
    # A 09:00 rule and a shutdown from Christmas Eve to Thursday 6 January: the first working
    # morning is Friday 7 January 09:00, which is also the next check-in.
    shutdown = {date(2027, 12, 24)} | {date(2027, 12, 27) + timedelta(days=n) for n in range(11)}
    rule = CheckinRule(local_time=time(9), tz=NY, holidays=frozenset(shutdown))
    assert reminder_at(rule, utc(2027, 12, 23, 14, 0)) is None


def test_no_reminder_with_a_delay_longer_than_the_cycle() -> None:
    assert reminder_at(THURSDAY, utc(2027, 3, 18, 14, 0), delay=timedelta(days=7)) is None


def test_no_reminder_while_away() -> None:
    rule = CheckinRule(tz=NY, away_until=date(2027, 3, 19))
    assert reminder_at(rule, utc(2027, 3, 18, 14, 0)) is None


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (utc(2027, 3, 18, 14, 0), utc(2027, 3, 18, 14, 0)),  # Thursday 10:00: already inside
        (utc(2027, 3, 18, 12, 0), utc(2027, 3, 18, 13, 0)),  # 08:00: today 09:00
        (utc(2027, 3, 18, 21, 0), utc(2027, 3, 19, 13, 0)),  # 17:00 (end is exclusive)
        (utc(2027, 3, 20, 15, 0), utc(2027, 3, 22, 13, 0)),  # Saturday: Monday 09:00
    ],
)
def test_into_working_hours(at: datetime, expected: datetime) -> None:
    assert into_working_hours(THURSDAY, at) == expected


# Monday to Thursday of 2027-W11 at 10:00 EDT, and Sunday 21 March 23:30 EDT (Monday in UTC).
SENT = [utc(2027, 3, 15 + n, 14, 0) for n in range(4)] + [utc(2027, 3, 22, 3, 30)]


@pytest.mark.parametrize(
    ("tz", "at", "cap", "expected"),
    [
        (NY, utc(2027, 3, 20, 16, 0), 5, False),  # five this local week already
        (NY, utc(2027, 3, 20, 16, 0), 6, True),
        ("UTC", utc(2027, 3, 20, 16, 0), 5, True),  # in UTC the Sunday-night DM is next week
        (None, utc(2027, 3, 20, 16, 0), 5, True),  # no zone: UTC
        (ZoneInfo(NY), utc(2027, 3, 20, 16, 0), 5, False),
        (NY, utc(2027, 3, 22, 5, 0), 5, True),  # Monday 01:00 EDT: a new local week
        (NY, utc(2027, 3, 22, 5, 0), 0, False),  # a cap of 0 allows nothing
    ],
)
def test_weekly_dm_cap_counts_the_local_iso_week(
    tz: str | tzinfo | None, at: datetime, cap: int, expected: bool
) -> None:
    assert within_weekly_cap(SENT, at, cap, tz) is expected


def test_weekly_dm_cap_defaults_to_five() -> None:
    assert within_weekly_cap(SENT[:4], utc(2027, 3, 19, 14, 0), tz=NY) is True
    assert within_weekly_cap(SENT, utc(2027, 3, 21, 14, 0), tz=NY) is False


@pytest.mark.parametrize(
    ("streak", "threshold", "enabled", "expected"),
    [
        (0, 2, True, False),
        (1, 2, True, False),
        (2, 2, True, True),  # the second miss in a row tells the lead
        (3, 2, True, False),  # once per streak, not every further cycle
        (2, 2, False, False),  # the workspace turned escalation off
        (3, 3, True, True),
        (1, 1, True, True),
        (0, 0, True, False),
    ],
)
def test_should_escalate(streak: int, threshold: int, enabled: bool, expected: bool) -> None:
    assert should_escalate(streak, threshold, enabled) is expected


def test_should_escalate_defaults() -> None:
    assert should_escalate(2) is True
    assert should_escalate(1) is False

"""The scheduling core: slots in every zone and across DST, period keys, days off, rule changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.rhythm import (
    BIWEEKLY_ANCHOR,
    CheckinRule,
    build_rule,
    cycle_end,
    local_to_utc,
    next_checkin_at,
    parse_local_time,
    period_key,
    reschedule,
    resolve_zone,
)
from storage.models import Cadence

EVERY_DAY = frozenset(range(7))
NY, BERLIN, SYDNEY, KOLKATA = (
    "America/New_York",
    "Europe/Berlin",
    "Australia/Sydney",
    "Asia/Kolkata",
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def thursday_ten(
    tz: str | None,
    workspace_tz: str = "UTC",
    *,
    holidays: frozenset[date] = frozenset(),
    away_until: date | None = None,
) -> CheckinRule:
    """A weekly Thursday 10:00 rule in `tz`."""
    return CheckinRule(
        weekday=3,
        local_time=time(10, 0),
        tz=tz,
        workspace_tz=workspace_tz,
        holidays=holidays,
        away_until=away_until,
    )


@pytest.mark.parametrize(
    ("tz", "after", "expected"),
    [
        # New York: EST -5 until Sunday 14 March, EDT -4 until Sunday 7 November.
        (NY, utc(2027, 3, 8), utc(2027, 3, 11, 15, 0)),
        (NY, utc(2027, 3, 11, 15, 0), utc(2027, 3, 18, 14, 0)),
        (NY, utc(2027, 11, 1), utc(2027, 11, 4, 14, 0)),
        (NY, utc(2027, 11, 4, 14, 0), utc(2027, 11, 11, 15, 0)),
        # Berlin: CET +1 until Sunday 28 March, CEST +2 until Sunday 31 October.
        (BERLIN, utc(2027, 3, 22), utc(2027, 3, 25, 9, 0)),
        (BERLIN, utc(2027, 3, 25, 9, 0), utc(2027, 4, 1, 8, 0)),
        (BERLIN, utc(2027, 10, 25), utc(2027, 10, 28, 8, 0)),
        (BERLIN, utc(2027, 10, 28, 8, 0), utc(2027, 11, 4, 9, 0)),
        # Sydney: AEDT +11 until Sunday 4 April, AEST +10 until Sunday 3 October.
        (SYDNEY, utc(2027, 3, 28), utc(2027, 3, 31, 23, 0)),
        (SYDNEY, utc(2027, 3, 31, 23, 0), utc(2027, 4, 8, 0, 0)),
        (SYDNEY, utc(2027, 9, 26), utc(2027, 9, 30, 0, 0)),
        (SYDNEY, utc(2027, 9, 30, 0, 0), utc(2027, 10, 6, 23, 0)),
        # Kolkata: +5:30 all year.
        (KOLKATA, utc(2027, 3, 15), utc(2027, 3, 18, 4, 30)),
        (KOLKATA, utc(2027, 3, 18, 4, 30), utc(2027, 3, 25, 4, 30)),
        (KOLKATA, utc(2027, 11, 8), utc(2027, 11, 11, 4, 30)),
    ],
)
def test_weekly_thursday_ten_across_dst(tz: str, after: datetime, expected: datetime) -> None:
    assert next_checkin_at(thursday_ten(tz), after) == expected


@pytest.mark.parametrize(
    ("tz", "after", "expected"),
    [
        # Null or invalid tz: the workspace's Europe/London (GMT, then BST from 28 March).
        (None, utc(2027, 3, 22), utc(2027, 3, 25, 10, 0)),
        (None, utc(2027, 3, 25, 10, 0), utc(2027, 4, 1, 9, 0)),
        (None, utc(2027, 10, 25), utc(2027, 10, 28, 9, 0)),
        (None, utc(2027, 10, 28, 9, 0), utc(2027, 11, 4, 10, 0)),
        ("Mars/Olympus_Mons", utc(2027, 3, 25, 10, 0), utc(2027, 4, 1, 9, 0)),
        ("", utc(2027, 3, 25, 10, 0), utc(2027, 4, 1, 9, 0)),
    ],
)
def test_workspace_timezone_is_the_fallback(
    tz: str | None, after: datetime, expected: datetime
) -> None:
    assert next_checkin_at(thursday_ten(tz, workspace_tz="Europe/London"), after) == expected


def test_utc_is_the_last_resort() -> None:
    rule = thursday_ten(None, workspace_tz="Not/AZone")
    assert rule.zone == ZoneInfo("UTC")
    assert next_checkin_at(rule, utc(2027, 3, 15)) == utc(2027, 3, 18, 10, 0)


@pytest.mark.parametrize(
    ("tz", "day", "expected"),
    [
        # Spring forward: 02:30 does not exist; the first valid instant is 03:00 local.
        (NY, date(2027, 3, 14), utc(2027, 3, 14, 7, 0)),
        (BERLIN, date(2027, 3, 28), utc(2027, 3, 28, 1, 0)),
        (SYDNEY, date(2027, 10, 3), utc(2027, 10, 2, 16, 0)),
        # Fall back: 02:30 (01:30 in New York) happens twice; the first occurrence wins.
        (BERLIN, date(2027, 10, 31), utc(2027, 10, 31, 0, 30)),
        (SYDNEY, date(2027, 4, 4), utc(2027, 4, 3, 15, 30)),
    ],
)
def test_local_to_utc_in_gap_and_overlap(tz: str, day: date, expected: datetime) -> None:
    assert local_to_utc(day, time(2, 30), ZoneInfo(tz)) == expected


def test_local_to_utc_first_occurrence_in_new_york_overlap() -> None:
    assert local_to_utc(date(2027, 11, 7), time(1, 30), ZoneInfo(NY)) == utc(2027, 11, 7, 5, 30)


def test_local_to_utc_gap_with_a_half_hour_shift() -> None:
    # Lord Howe Island springs forward 30 minutes, 02:00 -> 02:30.
    zone = ZoneInfo("Australia/Lord_Howe")
    assert local_to_utc(date(2027, 10, 3), time(2, 15), zone) == utc(2027, 10, 2, 15, 30)


def sunday_rule(tz: str, at: time) -> CheckinRule:
    """A weekly Sunday rule for a workspace that works every day."""
    return CheckinRule(weekday=6, local_time=at, tz=tz, working_days=EVERY_DAY)


@pytest.mark.parametrize(
    ("tz", "at", "after", "expected"),
    [
        # The week before, the gap day (moved to 03:00 local), the week after: one per week.
        (NY, time(2, 30), utc(2027, 3, 1), utc(2027, 3, 7, 7, 30)),
        (NY, time(2, 30), utc(2027, 3, 7, 7, 30), utc(2027, 3, 14, 7, 0)),
        (NY, time(2, 30), utc(2027, 3, 14, 7, 0), utc(2027, 3, 21, 6, 30)),
        (BERLIN, time(2, 30), utc(2027, 3, 22), utc(2027, 3, 28, 1, 0)),
        (BERLIN, time(2, 30), utc(2027, 3, 28, 1, 0), utc(2027, 4, 4, 0, 30)),
        (SYDNEY, time(2, 30), utc(2027, 9, 28), utc(2027, 10, 2, 16, 0)),
        (SYDNEY, time(2, 30), utc(2027, 10, 2, 16, 0), utc(2027, 10, 9, 15, 30)),
        # The overlap day: the first occurrence, then next week (never the second occurrence).
        (NY, time(1, 30), utc(2027, 11, 1), utc(2027, 11, 7, 5, 30)),
        (NY, time(1, 30), utc(2027, 11, 7, 5, 30), utc(2027, 11, 14, 6, 30)),
        (BERLIN, time(2, 30), utc(2027, 10, 25), utc(2027, 10, 31, 0, 30)),
        (BERLIN, time(2, 30), utc(2027, 10, 31, 0, 30), utc(2027, 11, 7, 1, 30)),
        (SYDNEY, time(2, 30), utc(2027, 3, 29), utc(2027, 4, 3, 15, 30)),
        (SYDNEY, time(2, 30), utc(2027, 4, 3, 15, 30), utc(2027, 4, 10, 16, 30)),
    ],
)
def test_sunday_rule_on_transition_days(
    tz: str, at: time, after: datetime, expected: datetime
) -> None:
    assert next_checkin_at(sunday_rule(tz, at), after) == expected


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (utc(2027, 11, 7, 5, 30), utc(2027, 11, 7, 6, 30)),  # 01:30 EDT and 01:30 EST
        (utc(2027, 3, 14, 6, 59), utc(2027, 3, 14, 7, 0)),  # either side of the gap
    ],
)
def test_dst_double_fire_shares_one_period_key(first: datetime, second: datetime) -> None:
    rule = sunday_rule(NY, time(1, 30))
    assert period_key(rule, first) == period_key(rule, second)


@pytest.mark.parametrize(
    ("holidays", "after", "expected"),
    [
        # Thanksgiving Thursday: forward to Friday, same local time.
        ({date(2027, 11, 25)}, utc(2027, 11, 22), utc(2027, 11, 26, 15, 0)),
        # Thursday and Friday off: forward would leave the week, so back to Wednesday.
        ({date(2027, 11, 25), date(2027, 11, 26)}, utc(2027, 11, 22), utc(2027, 11, 24, 15, 0)),
        # ... and once Wednesday's slot has passed, the next one is next week's Thursday.
        (
            {date(2027, 11, 25), date(2027, 11, 26)},
            utc(2027, 11, 24, 15, 0),
            utc(2027, 12, 2, 15, 0),
        ),
        # A whole week off: that week has no check-in.
        (
            {date(2027, 11, 22 + offset) for offset in range(5)},
            utc(2027, 11, 20),
            utc(2027, 12, 2, 15, 0),
        ),
    ],
)
def test_holidays_move_forward_within_the_week(
    holidays: set[date], after: datetime, expected: datetime
) -> None:
    assert next_checkin_at(thursday_ten(NY, holidays=frozenset(holidays)), after) == expected


def test_holiday_in_berlin_moves_to_friday() -> None:
    rule = thursday_ten(BERLIN, holidays=frozenset({date(2027, 5, 6)}))  # Ascension Day
    assert next_checkin_at(rule, utc(2027, 5, 3)) == utc(2027, 5, 7, 8, 0)


@pytest.mark.parametrize(
    ("cadence", "weekday", "after", "expected"),
    [
        # Weekly Saturday: Sunday is off too and Monday is next week, so back to Friday.
        (Cadence.WEEKLY, 5, utc(2027, 3, 15), utc(2027, 3, 19, 14, 0)),
        # Monthly Saturday: the first Saturday of May 2027 is the 1st; forward to Monday 3rd.
        (Cadence.MONTHLY, 5, utc(2027, 4, 10), utc(2027, 5, 3, 14, 0)),
        # Weekly Sunday: back to Friday.
        (Cadence.WEEKLY, 6, utc(2027, 3, 15), utc(2027, 3, 19, 14, 0)),
    ],
)
def test_weekends_move_to_a_working_day(
    cadence: Cadence, weekday: int, after: datetime, expected: datetime
) -> None:
    rule = CheckinRule(cadence=cadence, weekday=weekday, local_time=time(10, 0), tz=NY)
    assert next_checkin_at(rule, after) == expected


@pytest.mark.parametrize(
    ("away_until", "after", "expected"),
    [
        (date(2027, 3, 17), utc(2027, 3, 15), utc(2027, 3, 18, 14, 0)),  # back the day before
        (date(2027, 3, 18), utc(2027, 3, 15), utc(2027, 3, 25, 14, 0)),  # away on the day
        (date(2027, 6, 30), utc(2027, 3, 1), utc(2027, 7, 1, 14, 0)),  # a long leave
        (date(2027, 2, 1), utc(2027, 3, 15), utc(2027, 3, 18, 14, 0)),  # away in the past
    ],
)
def test_no_checkin_while_away(away_until: date, after: datetime, expected: datetime) -> None:
    assert next_checkin_at(thursday_ten(NY, away_until=away_until), after) == expected


def test_away_uses_the_local_date() -> None:
    # Thursday 10:00 in Sydney is Wednesday 23:00 UTC: away until Wednesday does not cover it.
    rule = thursday_ten(SYDNEY, away_until=date(2027, 3, 31))
    assert next_checkin_at(rule, utc(2027, 3, 28)) == utc(2027, 3, 31, 23, 0)


@pytest.mark.parametrize(
    ("anchor", "after", "expected", "key"),
    [
        # Default anchor 2027-W01: pairs W01/02, W03/04, W05/06; the check-in is in the first week.
        (BIWEEKLY_ANCHOR, utc(2027, 1, 8), utc(2027, 1, 21, 9, 0), "2027-W03/04"),
        (BIWEEKLY_ANCHOR, utc(2027, 1, 21, 9, 0), utc(2027, 2, 4, 9, 0), "2027-W05/06"),
        (BIWEEKLY_ANCHOR, utc(2027, 1, 12), utc(2027, 1, 21, 9, 0), "2027-W03/04"),
        # Any date in 2027-W02 shifts the pairs to W02/03, W04/05.
        (date(2027, 1, 13), utc(2027, 1, 8), utc(2027, 1, 14, 9, 0), "2027-W02/03"),
        (date(2027, 1, 13), utc(2027, 1, 14, 9, 0), utc(2027, 1, 28, 9, 0), "2027-W04/05"),
    ],
)
def test_biweekly_pairs_follow_the_anchor(
    anchor: date, after: datetime, expected: datetime, key: str
) -> None:
    rule = CheckinRule(cadence=Cadence.BIWEEKLY, tz=BERLIN, anchor=anchor)
    slot = next_checkin_at(rule, after)
    assert (slot, period_key(rule, slot)) == (expected, key)


def test_biweekly_pairs_run_on_across_a_53_week_year() -> None:
    # 2026 has 53 ISO weeks: pairs go 2026-W52/53 then 2027-W01/02 (ISO parity would not).
    rule = CheckinRule(cadence=Cadence.BIWEEKLY, tz=BERLIN)
    assert period_key(rule, utc(2027, 1, 1, 12)) == "2026-W52/53"
    assert period_key(rule, utc(2027, 1, 4, 12)) == "2027-W01/02"
    assert period_key(rule, utc(2027, 1, 17, 12)) == "2027-W01/02"
    across = CheckinRule(cadence=Cadence.BIWEEKLY, tz=BERLIN, anchor=date(2026, 12, 28))
    assert period_key(across, utc(2027, 1, 8, 12)) == "2026-W53/01"


@pytest.mark.parametrize(
    ("after", "expected", "key"),
    [
        (utc(2027, 1, 10), utc(2027, 2, 4, 15, 0), "2027-02"),
        (utc(2027, 2, 4, 15, 0), utc(2027, 3, 4, 15, 0), "2027-03"),
        (utc(2027, 3, 4, 15, 0), utc(2027, 4, 1, 14, 0), "2027-04"),  # now EDT
        (utc(2027, 1, 1), utc(2027, 1, 7, 15, 0), "2027-01"),
    ],
)
def test_monthly_is_the_first_weekday_of_the_month(
    after: datetime, expected: datetime, key: str
) -> None:
    rule = CheckinRule(cadence=Cadence.MONTHLY, tz=NY)
    slot = next_checkin_at(rule, after)
    assert (slot, period_key(rule, slot)) == (expected, key)


@pytest.mark.parametrize(
    ("cadence", "tz", "at", "key"),
    [
        (Cadence.WEEKLY, NY, utc(2027, 3, 18, 14, 0), "2027-W11"),
        # Monday 00:30 in Sydney is still Sunday in UTC: the local week counts.
        (Cadence.WEEKLY, SYDNEY, utc(2027, 3, 21, 13, 30), "2027-W12"),
        (Cadence.WEEKLY, NY, utc(2027, 1, 1, 12, 0), "2026-W53"),
        (Cadence.MONTHLY, NY, utc(2027, 4, 1, 3, 0), "2027-03"),  # 31 March 23:00 local
        (Cadence.MONTHLY, KOLKATA, utc(2027, 3, 31, 20, 0), "2027-04"),  # 1 April 01:30 local
        (Cadence.BIWEEKLY, NY, utc(2027, 2, 14, 12, 0), "2027-W05/06"),
    ],
)
def test_period_key_uses_the_local_calendar(
    cadence: Cadence, tz: str, at: datetime, key: str
) -> None:
    assert period_key(CheckinRule(cadence=cadence, tz=tz), at) == key


def test_every_slot_of_a_year_has_its_own_key() -> None:
    for cadence in Cadence:
        rule = CheckinRule(cadence=cadence, tz=SYDNEY, working_days=EVERY_DAY)
        slots = [next_checkin_at(rule, utc(2026, 12, 31))]
        while slots[-1] < utc(2028, 1, 1):
            slots.append(next_checkin_at(rule, slots[-1]))
        keys = [period_key(rule, slot) for slot in slots]
        assert len(set(keys)) == len(keys), cadence


@pytest.mark.parametrize(
    ("cadence", "due_at", "end"),
    [
        (Cadence.WEEKLY, utc(2027, 3, 11, 15, 0), utc(2027, 3, 18, 14, 0)),
        (Cadence.BIWEEKLY, utc(2027, 3, 4, 15, 0), utc(2027, 3, 18, 14, 0)),
        (Cadence.MONTHLY, utc(2027, 3, 4, 15, 0), utc(2027, 4, 1, 14, 0)),
    ],
)
def test_cycle_end_is_the_next_slot(cadence: Cadence, due_at: datetime, end: datetime) -> None:
    assert cycle_end(CheckinRule(cadence=cadence, tz=NY), due_at) == end


def test_cycle_end_ignores_away() -> None:
    rule = thursday_ten(NY, away_until=date(2027, 3, 31))
    assert cycle_end(rule, utc(2027, 3, 11, 15, 0)) == utc(2027, 3, 18, 14, 0)


WEEKLY_THU = CheckinRule(tz=NY)
WEEKLY_MON = CheckinRule(weekday=0, tz=NY)
BIWEEKLY_FRI = CheckinRule(cadence=Cadence.BIWEEKLY, weekday=4, tz=NY)
MONTHLY_MON = CheckinRule(cadence=Cadence.MONTHLY, weekday=0, tz=NY)
MONTHLY_THU = CheckinRule(cadence=Cadence.MONTHLY, tz=NY)


@pytest.mark.parametrize(
    ("rule", "now", "last_due_at", "expected"),
    [
        # Weekly Thursday sent 4 Feb (W05); biweekly Friday from Friday morning: the W05/06
        # slot (5 Feb) is in the cycle already asked, so the first is 19 Feb (W07/08).
        (BIWEEKLY_FRI, utc(2027, 2, 5, 13, 0), utc(2027, 2, 4, 15, 0), utc(2027, 2, 19, 15, 0)),
        (BIWEEKLY_FRI, utc(2027, 2, 5, 13, 0), None, utc(2027, 2, 5, 15, 0)),
        # Biweekly sent 19 Feb; monthly Monday from Monday 22 Feb: March's first Monday.
        (MONTHLY_MON, utc(2027, 2, 22, 12, 0), utc(2027, 2, 19, 15, 0), utc(2027, 3, 1, 15, 0)),
        # ... or from Tuesday 2 March, once March's slot has passed: April's.
        (MONTHLY_MON, utc(2027, 3, 2, 12, 0), utc(2027, 2, 19, 15, 0), utc(2027, 4, 5, 14, 0)),
        # Weekly Monday sent 1 Feb; monthly Thursday: 4 Feb is in February, already asked.
        (MONTHLY_THU, utc(2027, 2, 2, 12, 0), utc(2027, 2, 1, 15, 0), utc(2027, 3, 4, 15, 0)),
        # Monthly sent 4 Feb; weekly Monday from the 5th: the next week, no second ask in W05.
        (WEEKLY_MON, utc(2027, 2, 5, 12, 0), utc(2027, 2, 4, 15, 0), utc(2027, 2, 8, 15, 0)),
        # Weekly Thursday moved to Friday after Thursday's check-in: not again this week.
        (
            CheckinRule(weekday=4, tz=NY),
            utc(2027, 2, 4, 16, 0),
            utc(2027, 2, 4, 15, 0),
            utc(2027, 2, 12, 15, 0),
        ),
        (WEEKLY_THU, utc(2027, 2, 4, 16, 0), utc(2027, 2, 4, 15, 0), utc(2027, 2, 11, 15, 0)),
    ],
)
def test_reschedule_after_a_rule_change_never_asks_twice_in_a_period(
    rule: CheckinRule, now: datetime, last_due_at: datetime | None, expected: datetime
) -> None:
    assert reschedule(rule, now, last_due_at) == expected


def test_build_rule_applies_person_overrides() -> None:
    rule = build_rule(
        cadence="biweekly",
        weekday=3,
        checkin_time="10:00",
        workspace_tz="Europe/London",
        holidays=["2027-12-24", "2027-12-31"],
        person_tz=NY,
        person_weekday=1,
        person_time="08:30",
        away_until=date(2027, 8, 1),
    )
    assert rule == CheckinRule(
        cadence=Cadence.BIWEEKLY,
        weekday=1,
        local_time=time(8, 30),
        tz=NY,
        workspace_tz="Europe/London",
        holidays=frozenset({date(2027, 12, 24), date(2027, 12, 31)}),
        away_until=date(2027, 8, 1),
    )
    assert rule.zone == ZoneInfo(NY)


def test_build_rule_uses_workspace_settings_without_overrides() -> None:
    rule = build_rule(cadence="weekly", weekday=3, checkin_time="10:00", workspace_tz=BERLIN)
    assert (rule.weekday, rule.local_time, rule.zone) == (3, time(10, 0), ZoneInfo(BERLIN))


@pytest.mark.parametrize("text", ["10", "10:0", "25:00", "10:60", "ten", "-1:00", ""])
def test_parse_local_time_rejects_bad_input(text: str) -> None:
    with pytest.raises(ValueError):
        parse_local_time(text)


@pytest.mark.parametrize(("text", "expected"), [("10:00", time(10)), (" 7:05 ", time(7, 5))])
def test_parse_local_time(text: str, expected: time) -> None:
    assert parse_local_time(text) == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"weekday": 7},
        {"weekday": -1},
        {"local_time": time(10, tzinfo=UTC)},
        {"working_days": frozenset()},
        {"working_days": frozenset({7})},
        {"cadence": "fortnightly"},
    ],
)
def test_rule_rejects_bad_values(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        CheckinRule(**kwargs)  # type: ignore[arg-type]


def test_rule_accepts_plain_strings_and_sets() -> None:
    rule = CheckinRule(cadence="monthly", holidays={date(2027, 1, 1)})  # type: ignore[arg-type]
    assert rule.cadence is Cadence.MONTHLY
    assert rule.holidays == frozenset({date(2027, 1, 1)})
    assert hash(rule)


def test_resolve_zone_takes_the_first_valid_name() -> None:
    assert resolve_zone(None, "Bad/Zone", KOLKATA, NY) == ZoneInfo(KOLKATA)
    assert resolve_zone() == ZoneInfo("UTC")


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_checkin_at(WEEKLY_THU, datetime(2027, 3, 1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        period_key(WEEKLY_THU, datetime(2027, 3, 1))  # noqa: DTZ001


def test_a_rule_without_any_slot_says_so() -> None:
    every_day_off = frozenset(date(2027, 1, 1) + timedelta(days=n) for n in range(3000))
    with pytest.raises(ValueError, match="no check-in slot"):
        next_checkin_at(thursday_ten(NY, holidays=every_day_off), utc(2027, 3, 1))

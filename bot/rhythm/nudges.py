"""Reminders, the weekly DM cap and escalation: the decisions around a check-in.

The cap only decides; a message refused by it is folded by the caller into the next message.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, tzinfo

from bot.rhythm.cycles import cycle_end
from bot.rhythm.defaults import (
    DEFAULT_WEEKLY_DM_CAP,
    ESCALATION_THRESHOLD,
    REMINDER_DELAY,
    SLOT_SEARCH_LIMIT,
    WORKING_HOURS,
    WorkingHours,
)
from bot.rhythm.localtime import local_date, local_to_utc, require_aware
from bot.rhythm.rule import CheckinRule, resolve_zone


def reminder_at(
    rule: CheckinRule,
    sent_at: datetime,
    *,
    delay: timedelta = REMINDER_DELAY,
    hours: WorkingHours = WORKING_HOURS,
) -> datetime | None:
    """When to remind an owner who has not answered, or None if it would fall after the cycle."""
    sent_at = require_aware(sent_at, "sent_at")
    candidate = into_working_hours(rule, sent_at + delay, hours)
    if rule.is_away(local_date(candidate, rule.zone)) or candidate >= cycle_end(rule, sent_at):
        return None
    return candidate


def into_working_hours(
    rule: CheckinRule, at: datetime, hours: WorkingHours = WORKING_HOURS
) -> datetime:
    """`at` if it is inside the owner's local working hours, else the next working-hours start."""
    utc = require_aware(at, "at")
    local = utc.astimezone(rule.zone)
    day = local.date()
    if rule.is_working_day(day) and hours.start <= local.time() < hours.end:
        return utc
    if not (rule.is_working_day(day) and local.time() < hours.start):
        day = _next_working_day(rule, day)
    return local_to_utc(day, hours.start, rule.zone)


def _next_working_day(rule: CheckinRule, day: date) -> date:
    """The first working day strictly after `day`."""
    for offset in range(1, 7 * SLOT_SEARCH_LIMIT):
        candidate = day + timedelta(days=offset)
        if rule.is_working_day(candidate):
            return candidate
    raise ValueError(f"no working day within {7 * SLOT_SEARCH_LIMIT} days of {day}")


def within_weekly_cap(
    sent: Iterable[datetime],
    at: datetime,
    cap: int = DEFAULT_WEEKLY_DM_CAP,
    tz: str | tzinfo | None = None,
) -> bool:
    """True when a DM at `at` keeps the person within `cap` bot DMs in their local ISO week."""
    zone = tz if isinstance(tz, tzinfo) else resolve_zone(tz)
    week = _iso_week(at, zone)
    return sum(1 for instant in sent if _iso_week(instant, zone) == week) < cap


def _iso_week(at: datetime, zone: tzinfo) -> tuple[int, int]:
    """The (ISO year, ISO week) of an instant on the wall clocks of `zone`."""
    iso = require_aware(at).astimezone(zone).isocalendar()
    return iso.year, iso.week


def should_escalate(
    missed_streak: int, threshold: int = ESCALATION_THRESHOLD, enabled: bool = True
) -> bool:
    """True exactly when the missed streak reaches the threshold: tell the unit lead once."""
    return enabled and threshold >= 1 and missed_streak == threshold

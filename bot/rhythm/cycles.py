"""Cycles and slots: which local period an instant belongs to, and when its check-in is."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from itertools import chain

from bot.rhythm.defaults import SLOT_SEARCH_LIMIT
from bot.rhythm.localtime import local_date, local_to_utc, require_aware
from bot.rhythm.rule import CheckinRule
from storage.models import Cadence

WEEK = timedelta(days=7)


def cycle_start(rule: CheckinRule, day: date) -> date:
    """The first local date of the cycle containing `day`."""
    if rule.cadence is Cadence.MONTHLY:
        return day.replace(day=1)
    monday = day - timedelta(days=day.weekday())
    if rule.cadence is Cadence.BIWEEKLY:
        anchor = rule.anchor - timedelta(days=rule.anchor.weekday())
        weeks = (monday - anchor).days // 7
        return monday - WEEK * (weeks % 2)
    return monday


def next_cycle_start(rule: CheckinRule, start: date) -> date:
    """The first local date of the cycle after the one starting on `start`."""
    if rule.cadence is Cadence.MONTHLY:
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + (2 * WEEK if rule.cadence is Cadence.BIWEEKLY else WEEK)


def slot_day(rule: CheckinRule, start: date) -> date | None:
    """The local date of the check-in of the cycle starting on `start`, or None if it has none.

    The nominal day (the rule's weekday in the cycle's first week; for monthly, the first such
    weekday of the month) moves forward to the next working day; if none is left in the cycle,
    back to the last working day before it; a cycle without a working day has no check-in.
    """
    end = next_cycle_start(rule, start)
    nominal = start + timedelta(days=(rule.weekday - start.weekday()) % 7)
    forward = _days(nominal, end, step=1)
    backward = _days(nominal - timedelta(days=1), start - timedelta(days=1), step=-1)
    return next((day for day in chain(forward, backward) if rule.is_working_day(day)), None)


def _days(first: date, stop: date, *, step: int) -> Iterator[date]:
    """Dates from `first` towards `stop` (exclusive), one day at a time."""
    for offset in range(abs((stop - first).days)):
        yield first + timedelta(days=step * offset)


def next_checkin_at(rule: CheckinRule, after: datetime) -> datetime:
    """The first check-in instant (UTC) strictly after `after`, skipping days the owner is away."""
    after = require_aware(after, "after")
    day = local_date(after, rule.zone)
    if rule.away_until is not None:
        day = max(day, rule.away_until + timedelta(days=1))
    start = cycle_start(rule, cycle_start(rule, day) - timedelta(days=1))
    for _ in range(SLOT_SEARCH_LIMIT):
        found = slot_day(rule, start)
        if found is not None and not rule.is_away(found):
            slot = local_to_utc(found, rule.local_time, rule.zone)
            if slot > after:
                return slot
        start = next_cycle_start(rule, start)
    raise ValueError(f"no check-in slot within {SLOT_SEARCH_LIMIT} cycles of {after}: {rule}")


def period_key(rule: CheckinRule, at: datetime) -> str:
    """The key of the owner's local cycle containing `at`: 2027-W05, 2027-W05/06 or 2027-03."""
    day = local_date(at, rule.zone)
    if rule.cadence is Cadence.MONTHLY:
        return f"{day.year}-{day.month:02d}"
    if rule.cadence is Cadence.BIWEEKLY:
        start = cycle_start(rule, day)
        first, second = start.isocalendar(), (start + WEEK).isocalendar()
        return f"{first.year}-W{first.week:02d}/{second.week:02d}"
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def cycle_end(rule: CheckinRule, due_at: datetime) -> datetime:
    """When the cycle of a check-in due at `due_at` closes: the rhythm's next slot, away ignored."""
    return next_checkin_at(replace(rule, away_until=None), due_at)


def reschedule(rule: CheckinRule, now: datetime, last_due_at: datetime | None = None) -> datetime:
    """The next slot after `now` under a (new) rule, never in the cycle of the last check-in."""
    candidate = next_checkin_at(rule, now)
    if last_due_at is not None and period_key(rule, candidate) == period_key(rule, last_due_at):
        candidate = next_checkin_at(rule, candidate)
    return candidate

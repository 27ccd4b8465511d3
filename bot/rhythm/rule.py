"""A check-in rule: when one owner is asked, in plain values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.rhythm.defaults import (
    BIWEEKLY_ANCHOR,
    DEFAULT_CHECKIN_TIME,
    DEFAULT_CHECKIN_WEEKDAY,
    DEFAULT_TIMEZONE,
    WORKING_DAYS,
)
from storage.models import Cadence


@dataclass(frozen=True)
class CheckinRule:
    """One owner's rhythm: cadence, local weekday and time, zone, days off and anchor."""

    cadence: Cadence = Cadence.WEEKLY
    weekday: int = DEFAULT_CHECKIN_WEEKDAY
    local_time: time = DEFAULT_CHECKIN_TIME
    tz: str | None = None
    workspace_tz: str = DEFAULT_TIMEZONE
    holidays: frozenset[date] = frozenset()
    away_until: date | None = None
    anchor: date = BIWEEKLY_ANCHOR
    working_days: frozenset[int] = field(default=WORKING_DAYS)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cadence", Cadence(self.cadence))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "working_days", frozenset(self.working_days))
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}")
        if self.local_time.tzinfo is not None:
            raise ValueError("local_time is a wall-clock time and must be naive")
        if not self.working_days or not self.working_days <= set(range(7)):
            raise ValueError(f"working_days must be non-empty, within 0..6: {self.working_days}")

    @property
    def zone(self) -> ZoneInfo:
        """The owner's zone: their own tz, else the workspace's, else UTC."""
        return resolve_zone(self.tz, self.workspace_tz)

    def is_working_day(self, day: date) -> bool:
        """True when the local date is a working weekday and not a workspace holiday."""
        return day.weekday() in self.working_days and day not in self.holidays

    def is_away(self, day: date) -> bool:
        """True when the owner is away on this local date (away_until is inclusive)."""
        return self.away_until is not None and day <= self.away_until


def resolve_zone(*names: str | None) -> ZoneInfo:
    """The first valid IANA zone among names, else UTC."""
    for name in names:
        zone = _load_zone(name) if name else None
        if zone is not None:
            return zone
    return ZoneInfo(DEFAULT_TIMEZONE)


@lru_cache(maxsize=1024)
def _load_zone(name: str) -> ZoneInfo | None:
    """The zone called `name`, or None when it is not a valid IANA name (cached either way)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_local_time(text: str) -> time:
    """Parse a 24-hour "HH:MM" wall-clock time."""
    hours, sep, minutes = text.strip().partition(":")
    if not sep or len(minutes) != 2 or not hours.isdigit() or not minutes.isdigit():
        raise ValueError(f'expected a time like "10:00", not {text!r}')
    return time(int(hours), int(minutes))


def build_rule(
    *,
    cadence: str,
    weekday: int,
    checkin_time: str,
    workspace_tz: str,
    holidays: Iterable[str] = (),
    person_tz: str | None = None,
    person_weekday: int | None = None,
    person_time: str | None = None,
    away_until: date | None = None,
    anchor: date = BIWEEKLY_ANCHOR,
) -> CheckinRule:
    """A rule from workspace settings and a person's overrides, as stored."""
    return CheckinRule(
        cadence=Cadence(cadence),
        weekday=weekday if person_weekday is None else person_weekday,
        local_time=parse_local_time(person_time or checkin_time),
        tz=person_tz,
        workspace_tz=workspace_tz,
        holidays=frozenset(date.fromisoformat(day) for day in holidays),
        away_until=away_until,
        anchor=anchor,
    )

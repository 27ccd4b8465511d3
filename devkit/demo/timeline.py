"""When the demo runs the tick: at every instant something is due, and on a coarse grid.

A real deployment ticks every 30 s; the demo cannot afford 260,000 ticks for a quarter, so it
ticks where the bot's own schedule (``bot.rhythm``, the same pure functions the tick uses)
puts a check-in, a reminder or the end of a cycle; and every day at the workspace's digest
time (the weekly digest, the reviews on a quarter's last working day, and anything else due,
a retry say, if late).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.rhythm import CheckinRule, build_rule, local_to_utc, next_checkin_at, reminder_at


@dataclass(frozen=True)
class Rhythm:
    """The workspace's settings that decide when things are due."""

    timezone: str
    cadence: str
    checkin_weekday: int
    checkin_time: str
    digest_weekday: int
    digest_time: str
    holidays: tuple[str, ...] = ()


def tick_instants(
    rhythm: Rhythm, zones: Iterable[str | None], start: datetime, end: datetime
) -> list[datetime]:
    """Every instant in [start, end) the demo should run the tick at, in order."""
    instants: set[datetime] = set()
    for rule in {_rule(rhythm, zone) for zone in zones}:
        for slot in _slots(rule, start, end):
            instants.add(slot)
            reminder = reminder_at(rule, slot)
            if reminder is not None:
                instants.add(reminder)
    instants.update(_daily(rhythm, start, end))
    return sorted(at for at in instants if start <= at < end)


def _rule(rhythm: Rhythm, zone: str | None) -> CheckinRule:
    return build_rule(
        cadence=rhythm.cadence,
        weekday=rhythm.checkin_weekday,
        checkin_time=rhythm.checkin_time,
        workspace_tz=rhythm.timezone,
        holidays=rhythm.holidays,
        person_tz=zone,
    )


def _slots(rule: CheckinRule, start: datetime, end: datetime) -> Iterator[datetime]:
    slot = next_checkin_at(rule, start - timedelta(seconds=1))
    while slot < end:
        yield slot
        slot = next_checkin_at(rule, slot)


def _daily(rhythm: Rhythm, start: datetime, end: datetime) -> Iterator[datetime]:
    """Every day at the workspace's digest time."""
    zone = ZoneInfo(rhythm.timezone)
    hours, minutes = (int(part) for part in rhythm.digest_time.split(":"))
    day: date = start.astimezone(zone).date()
    while (at := local_to_utc(day, time(hours, minutes), zone)) < end:
        yield at
        day += timedelta(days=1)

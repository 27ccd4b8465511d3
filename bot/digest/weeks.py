"""When digests are due: the workspace's digest day and time, week by week, pure.

Rules (the README cites them):

- A subscription's digest is due once per week of the workspace's calendar, on its digest
  weekday at its digest time, workspace time (default Monday 09:00); the week key is that
  local ISO week (``2027-W07``), so one digest per channel, scope and week, whatever happens.
- A new subscription's first digest is the first slot after it was made.
- After downtime, only the newest missed slot may be posted, and only while it is at most
  ``DIGEST_LATE_LIMIT`` late; older missed weeks are recorded as skipped, never posted.
- DST: a digest time that does not exist moves to the first valid instant after the gap; an
  ambiguous one uses its first occurrence (``bot.rhythm.local_to_utc``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.rhythm import local_to_utc
from storage.models import DeliveryStatus
from storage.repositories.digest_outbox import NewDigest, PlannedSubscription

DIGEST_LATE_LIMIT = timedelta(hours=24)
"""A digest found due more than 24 h after its slot (goalbot was down) is recorded as skipped."""

CATCH_UP_WEEKS = 8
"""At most this many missed weeks are looked back at (and recorded as skipped)."""

MISSED = "skipped: missed while goalbot was down; a newer digest replaces it"
TOO_LATE = "skipped: more than 24 h late"
WEEK = timedelta(days=7)


def week_key(day: date) -> str:
    """The ISO week of a local date: ``2027-W07``."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def zone_of(name: str) -> ZoneInfo:
    """A time zone by IANA name (UTC when the name is not one)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def slot_in_week(day: date, weekday: int, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of the digest in the local week containing `day`."""
    monday = day - timedelta(days=day.weekday())
    return local_to_utc(monday + timedelta(days=weekday), at, zone)


def due_slots(sub: PlannedSubscription, now: datetime) -> list[tuple[str, datetime]]:
    """(week key, due instant) of every slot after the subscription's last planned one (or its
    creation) and at or before `now`, oldest first, at most ``CATCH_UP_WEEKS``."""
    zone, at = zone_of(sub.timezone), _time(sub.digest_time)
    floor = max(sub.created_at, sub.last_due_at) if sub.last_due_at else sub.created_at
    day = now.astimezone(zone).date()
    found: list[tuple[str, datetime]] = []
    for back in range(CATCH_UP_WEEKS + 1):
        local = day - back * WEEK
        slot = slot_in_week(local, sub.digest_weekday, at, zone)
        if slot <= floor or len(found) == CATCH_UP_WEEKS:
            break
        if slot <= now:
            found.append((week_key(slot.astimezone(zone).date()), slot))
    return list(reversed(found))


def plan_subscription(
    sub: PlannedSubscription, now: datetime, late_limit: timedelta = DIGEST_LATE_LIMIT
) -> list[NewDigest]:
    """The digest rows to add now: the newest due slot pending (unless too late), older ones
    skipped."""
    slots = due_slots(sub, now)
    rows = [
        NewDigest(sub.team_id, sub.id, key, due, DeliveryStatus.SKIPPED, MISSED)
        for key, due in slots[:-1]
    ]
    if slots:
        key, due = slots[-1]
        late = now - due > late_limit
        status = DeliveryStatus.SKIPPED if late else DeliveryStatus.PENDING
        rows.append(NewDigest(sub.team_id, sub.id, key, due, status, TOO_LATE if late else None))
    return rows


def _time(text: str) -> time:
    """``09:00`` as a time (09:00 when unreadable: the documented default)."""
    try:
        hours, minutes = (int(part) for part in text.split(":", 1))
        return time(hours, minutes)
    except ValueError:
        return time(9, 0)

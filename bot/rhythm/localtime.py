"""Wall-clock to UTC and back, with explicit rules for DST gaps and overlaps."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def require_aware(at: datetime, name: str = "datetime") -> datetime:
    """Return `at` in UTC, refusing naive datetimes."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {at!r}")
    return at.astimezone(UTC)


def local_date(at: datetime, zone: ZoneInfo) -> date:
    """The calendar date of an instant on the wall clocks of `zone`."""
    return require_aware(at).astimezone(zone).date()


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time in `zone`.

    Ambiguous (fall back): the first occurrence (fold=0). Nonexistent (spring forward): the
    first valid instant after the gap, i.e. the transition itself (02:30 -> 03:00 local).
    """
    wall = datetime.combine(day, at.replace(fold=0, tzinfo=None)).replace(tzinfo=zone)
    if _exists(wall):
        return wall.astimezone(UTC)
    return _gap_end(wall, zone)


def _exists(wall: datetime) -> bool:
    """True when the wall-clock time survives a round trip through UTC."""
    back = wall.astimezone(UTC).astimezone(wall.tzinfo)
    return back.replace(tzinfo=None) == wall.replace(tzinfo=None)


def _gap_end(wall: datetime, zone: ZoneInfo) -> datetime:
    """The transition instant that opened the gap containing `wall`, found to the second."""
    early = wall.replace(fold=1).astimezone(UTC)  # read with the offset after the gap
    late = wall.replace(fold=0).astimezone(UTC)  # read with the offset before the gap
    lo, hi = min(early, late), max(early, late)
    target = hi.astimezone(zone).utcoffset()
    low, high = 0, int((hi - lo).total_seconds())
    while high - low > 1:
        mid = (low + high) // 2
        if (lo + timedelta(seconds=mid)).astimezone(zone).utcoffset() == target:
            high = mid
        else:
            low = mid
    return lo + timedelta(seconds=high)

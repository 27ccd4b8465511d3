"""The scheduling defaults, in one place so the README can cite them."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import NamedTuple


class WorkingHours(NamedTuple):
    """A local working day's window: start inclusive, end exclusive."""

    start: time
    end: time


DEFAULT_TIMEZONE = "UTC"
"""The zone used when neither the person's nor the workspace's timezone is a valid IANA name."""

DEFAULT_CHECKIN_WEEKDAY = 3
"""Thursday (Monday is 0), as the Workspace table's default."""

DEFAULT_CHECKIN_TIME = time(10, 0)
"""10:00 local, as the Workspace table's default."""

WORKING_DAYS = frozenset({0, 1, 2, 3, 4})
"""Monday to Friday: a check-in or reminder landing on another day moves to a working day."""

BIWEEKLY_ANCHOR = date(2027, 1, 4)
"""Monday of ISO week 2027-W01: biweekly pairs are 2027-W01/02, W03/04, ... counted from here
without resetting at year ends (so a 53-week year never makes two one-week cycles)."""

DEFAULT_LATE_LIMIT = timedelta(hours=6)
"""A check-in found due more than 6 h after its slot (the bot was down) is recorded as skipped,
never sent: with the default 10:00 slot the latest catch-up send is 16:00 local."""

REMINDER_DELAY = timedelta(hours=24)
"""One reminder, no earlier than 24 h after the check-in was sent."""

WORKING_HOURS = WorkingHours(start=time(9, 0), end=time(17, 0))
"""Reminders go out only between 09:00 (inclusive) and 17:00 (exclusive) local on a working day."""

DEFAULT_WEEKLY_DM_CAP = 5
"""At most 5 bot DMs per person per local ISO week (Monday to Sunday)."""

ESCALATION_THRESHOLD = 2
"""The unit lead is told when an owner's streak of missed cycles reaches 2."""

SLOT_SEARCH_LIMIT = 120
"""How many cycles to look ahead for a slot before declaring a rule unschedulable."""

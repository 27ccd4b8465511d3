"""The pure scheduling core of check-ins: plain values and UTC instants in, UTC instants out.

Rules (defaults live in ``bot.rhythm.defaults``):

- Zone: the person's IANA tz; if it is None or not a valid zone, the workspace's; else UTC.
- Cycles are local calendar periods: weekly = an ISO week (Monday to Sunday); biweekly = a pair
  of ISO weeks counted from ``BIWEEKLY_ANCHOR`` (or the rule's anchor) without resetting at year
  ends; monthly = a calendar month.
- Slot: the rule's weekday in the cycle's first week (monthly: the first such weekday of the
  month) at the rule's local time. A holiday or non-working day moves forward, same local time,
  to the next working day inside the cycle; if the cycle has none left, back to the last working
  day before the nominal day; a cycle with no working day at all has no check-in. So a slot
  never leaves its cycle, and there is exactly one instant per cycle.
- Away: no slot on a local date <= ``away_until``; the next is the first slot after it.
- DST: an ambiguous local time (fall back) is its first occurrence (fold=0); a nonexistent one
  (spring forward) is the first valid instant after the gap, the transition itself
  (02:30 -> 03:00 local on a one-hour gap).
- Period keys: weekly ``2027-W05``; biweekly ``2027-W05/06`` (ISO year and week of the pair's
  first week, then the second week's number; ``2026-W53/01`` across a year end); monthly
  ``2027-03``; always from the owner's local calendar.
- Planning: a new owner (next_checkin_at None) gets the next slot strictly after now, never an
  immediate check-in. Catch-up after downtime: one skipped record per missed cycle; only the
  most recent due slot may be sent, and only if at most ``DEFAULT_LATE_LIMIT`` late.
- Rule changes: clear next_checkin_at (the planner calls ``reschedule`` with last_due_at) or
  call ``reschedule`` directly; the new next slot is never in the last check-in's cycle.
- Cycle end: the rhythm's next slot (away ignored); an unanswered check-in is then missed.
- Reminder: one, ``REMINDER_DELAY`` after sending, moved to the next ``WORKING_HOURS`` start on
  a working day if outside them; none if that is at or after the cycle end, or the owner is away.
- DM cap: at most ``DEFAULT_WEEKLY_DM_CAP`` bot DMs per person per local ISO week; a message
  past the cap is not sent on its own but folded by the caller into the next message.
- Escalation: the unit lead is told once per streak, when missed cycles in a row reach
  ``ESCALATION_THRESHOLD``, if the workspace has escalation enabled.
"""

from bot.rhythm.cycles import (
    cycle_end,
    cycle_start,
    next_checkin_at,
    next_cycle_start,
    period_key,
    reschedule,
    slot_day,
)
from bot.rhythm.defaults import (
    BIWEEKLY_ANCHOR,
    DEFAULT_CHECKIN_TIME,
    DEFAULT_CHECKIN_WEEKDAY,
    DEFAULT_LATE_LIMIT,
    DEFAULT_TIMEZONE,
    DEFAULT_WEEKLY_DM_CAP,
    ESCALATION_THRESHOLD,
    REMINDER_DELAY,
    SLOT_SEARCH_LIMIT,
    WORKING_DAYS,
    WORKING_HOURS,
    WorkingHours,
)
from bot.rhythm.localtime import local_date, local_to_utc
from bot.rhythm.nudges import into_working_hours, reminder_at, should_escalate, within_weekly_cap
from bot.rhythm.plan import (
    OwnerSchedule,
    Plan,
    PlannedCheckin,
    SkippedCheckin,
    SkipReason,
    plan_due,
)
from bot.rhythm.rule import CheckinRule, build_rule, parse_local_time, resolve_zone

__all__ = [
    "BIWEEKLY_ANCHOR",
    "DEFAULT_CHECKIN_TIME",
    "DEFAULT_CHECKIN_WEEKDAY",
    "DEFAULT_LATE_LIMIT",
    "DEFAULT_TIMEZONE",
    "DEFAULT_WEEKLY_DM_CAP",
    "ESCALATION_THRESHOLD",
    "REMINDER_DELAY",
    "SLOT_SEARCH_LIMIT",
    "WORKING_DAYS",
    "WORKING_HOURS",
    "CheckinRule",
    "OwnerSchedule",
    "Plan",
    "PlannedCheckin",
    "SkipReason",
    "SkippedCheckin",
    "WorkingHours",
    "build_rule",
    "cycle_end",
    "cycle_start",
    "into_working_hours",
    "local_date",
    "local_to_utc",
    "next_checkin_at",
    "next_cycle_start",
    "parse_local_time",
    "period_key",
    "plan_due",
    "reminder_at",
    "reschedule",
    "resolve_zone",
    "should_escalate",
    "slot_day",
    "within_weekly_cap",
]

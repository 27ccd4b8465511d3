"""Planning: what is due at `now`, what is skipped, and when each owner is asked next."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.rhythm.cycles import next_checkin_at, period_key, reschedule
from bot.rhythm.defaults import DEFAULT_LATE_LIMIT
from bot.rhythm.localtime import local_date, require_aware
from bot.rhythm.rule import CheckinRule
from storage.models import DeliveryKind


class SkipReason(enum.StrEnum):
    """Why a due check-in was recorded instead of sent."""

    LATE = "late"  # found more than late_limit after its slot, or superseded by a later slot
    AWAY = "away"  # the owner went away after the slot was scheduled


@dataclass(frozen=True)
class OwnerSchedule:
    """One owner as the planner sees them: their rule and stored next check-in."""

    person_id: int
    rule: CheckinRule
    next_checkin_at: datetime | None
    last_due_at: datetime | None = None


@dataclass(frozen=True)
class PlannedCheckin:
    """An outbox row to create: one check-in for one owner and cycle."""

    person_id: int
    period_key: str
    due_at: datetime
    kind: DeliveryKind = DeliveryKind.CHECKIN


@dataclass(frozen=True)
class SkippedCheckin:
    """An outbox row to record as skipped: a cycle whose check-in will not be sent."""

    person_id: int
    period_key: str
    due_at: datetime
    reason: SkipReason
    kind: DeliveryKind = DeliveryKind.CHECKIN


@dataclass(frozen=True)
class Plan:
    """The result of one planning pass; owners whose next check-in is unchanged are absent."""

    deliveries: tuple[PlannedCheckin, ...] = ()
    skipped: tuple[SkippedCheckin, ...] = ()
    next_checkin_at: Mapping[int, datetime] = field(default_factory=dict)


def plan_due(
    owners: Iterable[OwnerSchedule], now: datetime, *, late_limit: timedelta = DEFAULT_LATE_LIMIT
) -> Plan:
    """What to send, what to record as skipped, and each changed owner's next check-in."""
    now = require_aware(now, "now")
    deliveries: list[PlannedCheckin] = []
    skipped: list[SkippedCheckin] = []
    updates: dict[int, datetime] = {}
    for owner in owners:
        sends, skips, new_next = _plan_owner(owner, now, late_limit)
        deliveries += sends
        skipped += skips
        if new_next is not None:
            updates[owner.person_id] = new_next
    return Plan(tuple(deliveries), tuple(skipped), updates)


def _plan_owner(
    owner: OwnerSchedule, now: datetime, late_limit: timedelta
) -> tuple[list[PlannedCheckin], list[SkippedCheckin], datetime | None]:
    """One owner's sends, skips and new next check-in (None when unchanged)."""
    if owner.next_checkin_at is None:
        return [], [], reschedule(owner.rule, now, owner.last_due_at)
    stored = require_aware(owner.next_checkin_at, "next_checkin_at")
    if stored > now:
        return [], [], None
    due, following = _due_slots(owner.rule, stored, now)
    sends, skips = _classify(owner, due, now, late_limit)
    return sends, skips, following


def _classify(
    owner: OwnerSchedule, due: list[datetime], now: datetime, late_limit: timedelta
) -> tuple[list[PlannedCheckin], list[SkippedCheckin]]:
    """Split due slots into the one to send (if any) and the ones to record as skipped."""
    by_key = {period_key(owner.rule, slot): slot for slot in due}  # one per cycle: the latest
    sends: list[PlannedCheckin] = []
    skips: list[SkippedCheckin] = []
    for index, (key, slot) in enumerate(by_key.items()):
        reason = _skip_reason(owner.rule, slot, now, late_limit, latest=index == len(by_key) - 1)
        if reason is None:
            sends.append(PlannedCheckin(owner.person_id, key, slot))
        else:
            skips.append(SkippedCheckin(owner.person_id, key, slot, reason))
    return sends, skips


def _due_slots(
    rule: CheckinRule, first: datetime, now: datetime
) -> tuple[list[datetime], datetime]:
    """The slots from `first` up to `now` inclusive, one per cycle, and the first one after."""
    due = [first]
    following = next_checkin_at(rule, first)
    while following <= now:
        due.append(following)
        following = next_checkin_at(rule, following)
    return due, following


def _skip_reason(
    rule: CheckinRule, slot: datetime, now: datetime, late_limit: timedelta, *, latest: bool
) -> SkipReason | None:
    """Why a due slot is not sent, or None when it should be sent now."""
    if rule.is_away(local_date(slot, rule.zone)):
        return SkipReason.AWAY
    if not latest or now - slot > late_limit:
        return SkipReason.LATE
    return None

"""Follow-ups of sent check-ins: mark the missed, plan one reminder, tell the lead of a streak.

Run by the tick after planning and before sending, by every replica at once: a check-in turns
missed only while it is still `sent` (the update is fenced), and reminder and escalation rows
go in with ``ON CONFLICT DO NOTHING`` on (team, person, kind, period_key), so each is made once.

- Missed: a check-in still `sent` when its cycle has ended (``cycle_end(rule, due_at) <= now``).
- Reminder: one per cycle, due now, once ``reminder_at(rule, sent_at)`` has come and the cycle
  is still open (defaults: 24 h after sending, within 09:00-17:00 local on a working day).
- Escalation: when a check-in turns missed and the owner's run of missed check-ins (most
  recent first; any other status ends it) reaches ``ESCALATION_THRESHOLD`` (2), if the
  workspace has escalation enabled; stored under the owner, posted to their unit's lead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from bot.checkins.reports import FollowupReport
from bot.domain.clock import Clock
from bot.rhythm import (
    ESCALATION_THRESHOLD,
    CheckinRule,
    build_rule,
    cycle_end,
    reminder_at,
    should_escalate,
)
from storage.db import unit_of_work
from storage.models import DeliveryKind
from storage.repositories import followups as repo
from storage.repositories import outbox
from storage.repositories.followups import MissedCheckin, OpenCheckin
from storage.repositories.outbox import NewDelivery

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FollowupPlan:
    """What is due for the open check-ins now: which are missed, which get a reminder."""

    missed: tuple[int, ...] = ()
    reminders: tuple[NewDelivery, ...] = ()


def plan_followups(open_checkins: Sequence[OpenCheckin], now: datetime) -> FollowupPlan:
    """Decide, purely, which open check-ins are missed and which are owed their reminder."""
    missed: list[int] = []
    reminders: list[NewDelivery] = []
    for row in open_checkins:
        rule = rule_of(row)
        if rule is None:
            continue
        if cycle_end(rule, row.due_at) <= now:
            missed.append(row.id)
        elif not row.has_reminder and _reminder_due(rule, row, now):
            reminders.append(_followup(row, DeliveryKind.REMINDER, now))
    return FollowupPlan(tuple(missed), tuple(reminders))


def _reminder_due(rule: CheckinRule, row: OpenCheckin, now: datetime) -> bool:
    at = reminder_at(rule, row.sent_at)
    return at is not None and at <= now


def rule_of(row: OpenCheckin) -> CheckinRule | None:
    """The owner's rule as stored; None (logged) when the settings are invalid."""
    try:
        return build_rule(
            cadence=row.cadence,
            weekday=row.workspace_weekday,
            checkin_time=row.workspace_time,
            workspace_tz=row.workspace_tz,
            holidays=row.holidays,
            person_tz=row.tz,
            person_weekday=row.checkin_weekday,
            person_time=row.checkin_time,
            away_until=row.away_until,
        )
    except ValueError:
        logger.exception("invalid check-in settings for person %s", row.person_id)
        return None


def _followup(row: OpenCheckin | MissedCheckin, kind: DeliveryKind, now: datetime) -> NewDelivery:
    """A follow-up row of a check-in's cycle, stored under its owner and due now."""
    return NewDelivery(row.team_id, row.person_id, row.period_key, now, kind=kind)


def run_followups(
    engine: Engine,
    clock: Clock,
    *,
    team_id: str | None = None,
    threshold: int = ESCALATION_THRESHOLD,
) -> FollowupReport:
    """Mark missed check-ins, then insert due reminders and escalations, in one unit of work."""
    now = clock.now()
    with unit_of_work(engine) as session:
        open_checkins = repo.load_open_checkins(session=session, team_id=team_id)
    plan = plan_followups(open_checkins, now)
    enabled = {row.id: row.escalation_enabled for row in open_checkins}
    with unit_of_work(engine) as session:
        missed = repo.mark_missed(session=session, ids=plan.missed)
        escalations = [
            _followup(row, DeliveryKind.ESCALATION, now)
            for row in missed
            if should_escalate(_streak(session, row), threshold, enabled[row.id])
        ]
        reminded = outbox.insert_deliveries(session=session, rows=plan.reminders, now=now)
        escalated = outbox.insert_deliveries(session=session, rows=escalations, now=now)
    return FollowupReport(
        missed=len(missed),
        reminders=sum(reminded.values()),
        escalations=sum(escalated.values()),
    )


def _streak(session: Session, row: MissedCheckin) -> int:
    """The owner's run of missed check-ins ending with this one."""
    return repo.missed_streak(
        session=session, team_id=row.team_id, person_id=row.person_id, until=row.due_at
    )

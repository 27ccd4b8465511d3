"""What follows a check-in in the outbox: open check-ins, missed ones, streaks, leads, the DM cap.

Keyword-only functions on a caller's session; nothing here commits. ``team_id=None`` means every
workspace (the tick). New reminder and escalation rows go in through
``outbox.insert_deliveries`` (``ON CONFLICT DO NOTHING`` on the unique key: once per cycle).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, and_, exists, select, true, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from storage.models import DeliveryKind, DeliveryStatus, Unit
from storage.repositories.outbox import OUTBOX, PERSON, WORKSPACE, OwnerRhythm

UNIT = cast(Table, Unit.__table__)  # type: ignore[attr-defined]


@dataclass(frozen=True, kw_only=True)
class OpenCheckin(OwnerRhythm):
    """A check-in sent and not answered, with what its owner's rule is built from."""

    id: int
    team_id: str
    person_id: int
    period_key: str
    due_at: datetime
    sent_at: datetime
    has_reminder: bool
    escalation_enabled: bool


@dataclass(frozen=True)
class MissedCheckin:
    """A check-in this pass turned from sent to missed."""

    id: int
    team_id: str
    person_id: int
    period_key: str
    due_at: datetime


@dataclass(frozen=True)
class OriginalCheckin:
    """The check-in a reminder or an escalation refers to."""

    id: int
    status: DeliveryStatus
    due_at: datetime


@dataclass(frozen=True)
class Lead:
    """Who hears about an owner's missed check-ins: their unit's lead."""

    slack_user_id: str
    name: str
    owner_slack_id: str


@dataclass(frozen=True)
class CapContext:
    """A recipient's weekly DM cap, their zone and when they were sent bot DMs lately."""

    cap: int
    tz: str | None
    workspace_tz: str
    sent: tuple[datetime, ...]


def _in_team(team_id: str | None) -> ColumnElement[bool]:
    return OUTBOX.c.team_id == team_id if team_id is not None else true()


def load_open_checkins(*, session: Session, team_id: str | None = None) -> list[OpenCheckin]:
    """Check-ins still `sent` (unanswered), with settings and whether a reminder row exists."""
    c, p, w = OUTBOX.c, PERSON.c, WORKSPACE.c
    reminder = OUTBOX.alias("reminder")
    has_reminder = exists().where(
        reminder.c.team_id == c.team_id,
        reminder.c.person_id == c.person_id,
        reminder.c.period_key == c.period_key,
        reminder.c.kind == DeliveryKind.REMINDER,
    )
    query = (
        select(c.id, c.team_id, c.person_id, c.period_key, c.due_at, c.sent_at)
        .add_columns(has_reminder.label("has_reminder"), w.escalation_enabled)
        .add_columns(p.tz, p.checkin_weekday, p.checkin_time, p.away_until, w.cadence)
        .add_columns(w.checkin_weekday.label("workspace_weekday"), w.timezone.label("workspace_tz"))
        .add_columns(w.checkin_time.label("workspace_time"), w.holidays)
        .select_from(OUTBOX.join(PERSON, p.id == c.person_id).join(WORKSPACE, w.id == c.team_id))
        .where(_in_team(team_id), c.kind == DeliveryKind.CHECKIN)
        .where(c.status == DeliveryStatus.SENT, c.sent_at.is_not(None))
        .order_by(c.id)
    )
    rows = session.execute(query).mappings()
    return [OpenCheckin(**{**row, "holidays": tuple(row["holidays"] or ())}) for row in rows]


def mark_missed(*, session: Session, ids: Sequence[int]) -> list[MissedCheckin]:
    """Turn still-`sent` check-ins into `missed`; the rows this call changed."""
    if not ids:
        return []
    c = OUTBOX.c
    statement = (
        update(OUTBOX)
        .where(c.id.in_(sorted(ids)), c.status == DeliveryStatus.SENT)
        .values(status=DeliveryStatus.MISSED)
        .returning(c.id, c.team_id, c.person_id, c.period_key, c.due_at)
    )
    return [MissedCheckin(**row) for row in session.execute(statement).mappings()]


def missed_streak(*, session: Session, team_id: str, person_id: int, until: datetime) -> int:
    """How many of the person's check-ins due at or before `until` were missed in a row."""
    c = OUTBOX.c
    query = (
        select(c.status)
        .where(c.team_id == team_id, c.person_id == person_id, c.kind == DeliveryKind.CHECKIN)
        .where(c.due_at <= until)
        .order_by(c.due_at.desc(), c.id.desc())
    )
    streak = 0
    for status in session.execute(query).scalars():
        if status != DeliveryStatus.MISSED:
            break
        streak += 1
    return streak


def find_checkin(
    *, session: Session, team_id: str, person_id: int, period_key: str
) -> OriginalCheckin | None:
    """The person's check-in row of a cycle, if there is one."""
    c = OUTBOX.c
    query = select(c.id, c.status, c.due_at).where(
        c.team_id == team_id,
        c.person_id == person_id,
        c.kind == DeliveryKind.CHECKIN,
        c.period_key == period_key,
    )
    row = session.execute(query).mappings().first()
    if row is None:
        return None
    return OriginalCheckin(int(row["id"]), DeliveryStatus(row["status"]), row["due_at"])


def lead_of(*, session: Session, team_id: str, person_id: int) -> Lead | None:
    """The lead of the person's unit (None without a unit, a lead, or when they lead it)."""
    owner, lead = PERSON.alias("owner"), PERSON.alias("lead")
    query = (
        select(lead.c.slack_user_id, lead.c.name, owner.c.slack_user_id.label("owner_slack_id"))
        .select_from(
            owner.join(UNIT, UNIT.c.id == owner.c.unit_id).join(lead, lead.c.id == UNIT.c.lead_id)
        )
        .where(owner.c.team_id == team_id, owner.c.id == person_id, lead.c.id != person_id)
        .where(lead.c.team_id == team_id, lead.c.is_active.is_(True))
    )
    row = session.execute(query).mappings().first()
    return Lead(**row) if row is not None else None


def cap_context(
    *, session: Session, team_id: str, slack_user_id: str, since: datetime
) -> CapContext | None:
    """The recipient's cap, zone and bot DMs sent to them since `since` (None: not a person).

    Counted: rows addressed to them (not escalations, which are stored under the owner), and
    escalations posted into a DM channel of theirs.
    """
    p, w, c = PERSON.c, WORKSPACE.c, OUTBOX.c
    query = (
        select(p.id, p.tz, w.weekly_dm_cap, w.timezone)
        .select_from(PERSON.join(WORKSPACE, w.id == p.team_id))
        .where(p.team_id == team_id, p.slack_user_id == slack_user_id)
    )
    found = session.execute(query).first()
    if found is None:
        return None
    person_id, tz, cap, workspace_tz = found
    own = and_(c.person_id == person_id, c.kind != DeliveryKind.ESCALATION)
    channels = select(c.channel).where(own, c.channel.is_not(None)).distinct()
    theirs = and_(c.kind == DeliveryKind.ESCALATION, c.channel.in_(channels))
    sent = select(c.sent_at).where(c.team_id == team_id, c.sent_at >= since, own | theirs)
    return CapContext(int(cap), tz, str(workspace_tz), tuple(session.execute(sent).scalars()))


__all__ = [
    "CapContext",
    "Lead",
    "MissedCheckin",
    "OpenCheckin",
    "OriginalCheckin",
    "cap_context",
    "find_checkin",
    "lead_of",
    "load_open_checkins",
    "mark_missed",
    "missed_streak",
]

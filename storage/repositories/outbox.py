"""The check-in outbox: who is due, planned rows, and claiming rows to send under a lease.

Bulk paths throughout (scheduling.md): ``INSERT … ON CONFLICT DO NOTHING`` on the outbox's
unique key (one ``unnest`` statement on PostgreSQL, ``executemany`` on SQLite) and Core
``executemany`` updates. Claiming and every write after a claim go through
``storage.repositories.leases`` (``FOR UPDATE SKIP LOCKED``, fenced by the attempt), like every
outbox. ``team_id=None`` means every workspace (the tick).
Nothing here commits; the caller's unit of work does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from storage.models import (
    CheckinDelivery,
    DeliveryKind,
    DeliveryStatus,
    Goal,
    GoalStatus,
    Person,
    Workspace,
)
from storage.repositories import leases

OUTBOX, PERSON, WORKSPACE, GOAL = (
    leases.table_of(m) for m in (CheckinDelivery, Person, Workspace, Goal)
)
UNIQUE_KEY = ["team_id", "person_id", "kind", "period_key"]
CHUNK = 2000  # ids per IN list (SQLite allows 32,766 bound variables)


@dataclass(frozen=True, kw_only=True)
class OwnerRhythm:
    """What an owner's check-in rule is built from: their own day, time and zone (None: the
    workspace's), whether they are away, and their workspace's rhythm."""

    tz: str | None
    checkin_weekday: int | None
    checkin_time: str | None
    away_until: date | None
    cadence: str
    workspace_weekday: int
    workspace_time: str
    workspace_tz: str
    holidays: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class DueOwner(OwnerRhythm):
    """An owner whose next check-in is due (or unset), with their rhythm."""

    person_id: int
    team_id: str
    next_checkin_at: datetime | None
    last_due_at: datetime | None = None


@dataclass(frozen=True)
class NewDelivery:
    """An outbox row to insert once: pending (to send) or skipped (recorded, never sent)."""

    team_id: str
    person_id: int
    period_key: str
    due_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    kind: DeliveryKind = DeliveryKind.CHECKIN
    note: str | None = None


@dataclass(frozen=True)
class NextCheckin:
    """Move an owner's next check-in, only if it still holds the value the planner read."""

    person_id: int
    previous: datetime | None
    next_checkin_at: datetime


@dataclass(frozen=True, kw_only=True)
class ClaimedDelivery(leases.Claimed):
    """A DM outbox row this sender holds (check-in, reminder, escalation or close-out)."""

    person_id: int
    kind: DeliveryKind
    period_key: str
    slack_user_id: str = ""
    known_channel: str | None = None  # the person's DM channel id, if an earlier send gave it


def _eligible() -> ColumnElement[bool]:
    """The person is active and owns at least one active goal.

    A ``LIMIT 1`` scalar subquery, not ``EXISTS``: PostgreSQL cannot turn it into a join, so it
    stays one index probe per due person even before the tables have statistics (a semi-join
    planned on empty statistics scanned 50M rows for 10,000 owners).
    """
    g = GOAL.c
    first_goal = (
        select(g.id)
        .where(g.team_id == PERSON.c.team_id, g.owner_id == PERSON.c.id)
        .where(g.status == GoalStatus.ACTIVE)
        .limit(1)
        .scalar_subquery()
    )
    return and_(PERSON.c.is_active.is_(True), first_goal.is_not(None))


def load_due_owners(
    *, session: Session, now: datetime, team_id: str | None = None
) -> list[DueOwner]:
    """Eligible owners whose next check-in is at or before `now` or unset, with settings."""
    p, w = PERSON.c, WORKSPACE.c
    due = or_(p.next_checkin_at <= now, p.next_checkin_at.is_(None))
    query = (
        select(p.id.label("person_id"), p.team_id, p.next_checkin_at, p.tz, p.checkin_weekday)
        .add_columns(p.checkin_time, p.away_until, w.cadence, w.holidays)
        .add_columns(w.checkin_weekday.label("workspace_weekday"), w.timezone.label("workspace_tz"))
        .add_columns(w.checkin_time.label("workspace_time"))
        .select_from(WORKSPACE.join(PERSON, p.team_id == w.id))
        .where(leases.in_team(PERSON, team_id), due, _eligible())
        .order_by(p.id)
    )
    rows = session.execute(query).mappings()
    owners = [DueOwner(**{**row, "holidays": tuple(row["holidays"] or ())}) for row in rows]
    unset = [owner.person_id for owner in owners if owner.next_checkin_at is None]
    last = _last_checkin_due(session, unset)
    return [replace(o, last_due_at=last[o.person_id]) if o.person_id in last else o for o in owners]


def _last_checkin_due(session: Session, person_ids: Sequence[int]) -> dict[int, datetime]:
    """The latest check-in row's due time per person (any status), for rescheduling."""
    c, found = OUTBOX.c, dict[int, datetime]()
    for start in range(0, len(person_ids), CHUNK):
        query = (
            select(c.person_id, func.max(c.due_at))
            .where(c.person_id.in_(person_ids[start : start + CHUNK]))
            .where(c.kind == DeliveryKind.CHECKIN)
            .group_by(c.person_id)
        )
        found.update({int(pid): due for pid, due in session.execute(query)})
    return found


def park_idle_owners(*, session: Session, now: datetime, team_id: str | None = None) -> int:
    """Unset due next check-ins of people without an active goal (they restart on getting one)."""
    statement = (
        update(PERSON)
        .where(leases.in_team(PERSON, team_id), PERSON.c.next_checkin_at <= now, ~_eligible())
        .values(next_checkin_at=None)
    )
    return leases.count(session, statement)


def insert_deliveries(
    *, session: Session, rows: Sequence[NewDelivery], now: datetime
) -> Counter[DeliveryStatus]:
    """Insert outbox rows in bulk, skipping keys that exist; how many were new, by status."""
    if not rows:
        return Counter()
    ordered = sorted(rows, key=lambda r: (r.team_id, r.person_id, r.kind, r.period_key))
    columns = {name: [getattr(row, name) for row in ordered] for name in _INSERTED}
    columns |= {"error": [row.note for row in ordered], "attempts": [0] * len(ordered)}
    columns |= {"created_at": [now] * len(ordered)}
    if session.get_bind().dialect.name == "postgresql":
        new = session.execute(_insert_unnest(columns)).scalars()
    else:
        params = [
            dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)
        ]
        insert = sqlite.insert(OUTBOX).on_conflict_do_nothing(index_elements=UNIQUE_KEY)
        new = session.execute(insert.returning(OUTBOX.c.status), params).scalars()
    return Counter(DeliveryStatus(status) for status in new)


_INSERTED = ("team_id", "person_id", "kind", "period_key", "due_at", "status")


def _insert_unnest(columns: dict[str, list[Any]]) -> Any:
    """PostgreSQL: one ``INSERT … SELECT FROM unnest(:a, :b, …)``, ~3x faster than executemany."""
    arrays = [
        bindparam(name, values, type_=postgresql.ARRAY(OUTBOX.c[name].type))
        for name, values in columns.items()
    ]
    source = func.unnest(*arrays).table_valued(*columns).render_derived()
    return (
        postgresql.insert(OUTBOX)
        .from_select(list(columns), select(source))
        .on_conflict_do_nothing(index_elements=UNIQUE_KEY)
        .returning(OUTBOX.c.status)
    )


def move_next_checkins(*, session: Session, moves: Sequence[NextCheckin]) -> int:
    """Set owners' next check-in where it still holds the planner's value; how many moved."""
    if not moves:
        return 0
    p, ordered = PERSON.c, sorted(moves, key=lambda move: move.person_id)
    statement = (
        update(PERSON)
        .where(p.id == bindparam("pid"), p.next_checkin_at.is_not_distinct_from(bindparam("old")))
        .values(next_checkin_at=bindparam("new"))
    )
    params = [{"pid": m.person_id, "old": m.previous, "new": m.next_checkin_at} for m in ordered]
    return leases.count(session, statement, params)


CLAIMS = leases.OutboxTable(
    OUTBOX,
    order_by=(OUTBOX.c.due_at, OUTBOX.c.id),
    returning=[
        *(OUTBOX.c[name] for name in ("id", "team_id", "person_id", "kind", "period_key")),
        OUTBOX.c.due_at,
        OUTBOX.c.attempts.label("attempt"),
    ],
)


def claim_due(
    *, session: Session, now: datetime, lease: timedelta, limit: int, team_id: str | None = None
) -> list[ClaimedDelivery]:
    """Claim up to `limit` rows to send: expired leases first (to recover), then due pending."""
    leased = leases.claim_rows(session, CLAIMS, now=now, lease=lease, limit=limit, team_id=team_id)
    until = now + lease
    claimed = [ClaimedDelivery(**f.row, lease_until=until, recovering=f.recovering) for f in leased]
    return _describe(session, claimed)


def _describe(session: Session, claimed: list[ClaimedDelivery]) -> list[ClaimedDelivery]:
    """Add each row's Slack user id and, when recovering, the person's known DM channel."""
    p, c = PERSON.c, OUTBOX.c
    users = _first(session, select(p.id, p.slack_user_id), {d.person_id for d in claimed})
    latest = select(c.person_id, c.channel).where(c.channel.is_not(None))
    doubtful = {d.person_id for d in claimed if d.recovering}
    channels = _first(session, latest.order_by(c.sent_at.desc()), doubtful)
    described = [
        replace(
            d, slack_user_id=users.get(d.person_id, ""), known_channel=channels.get(d.person_id)
        )
        for d in claimed
    ]
    return sorted(described, key=lambda d: (d.due_at, d.id))


def _first(session: Session, query: Select[Any], ids: set[int]) -> dict[int, str]:
    """The first value per id of a two-column (id, value) query, for the given ids only."""
    found: dict[int, str] = {}
    if ids:
        key = query.selected_columns[0]
        for pid, value in session.execute(query.where(key.in_(ids))):
            found.setdefault(int(pid), str(value))
    return found


def mark_sent(
    *, session: Session, claim: ClaimedDelivery, channel: str, message_ts: str, sent_at: datetime
) -> bool:
    """Record the delivered message, also when its owner answered before this was written."""
    c = OUTBOX.c
    owner_was_quick = and_(c.status.in_(_ANSWERED), c.message_ts.is_(None))
    status = case((c.status == DeliveryStatus.SENDING, DeliveryStatus.SENT), else_=c.status)
    values = {"channel": channel, "message_ts": message_ts, "sent_at": sent_at, "error": None}
    return leases.finish(
        session, OUTBOX, claim, also=owner_was_quick, status=status, lease_until=None, **values
    )


_ANSWERED = [DeliveryStatus.ANSWERED, DeliveryStatus.SKIPPED]

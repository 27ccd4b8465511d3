"""The check-in outbox: who is due, planned rows, and claiming rows to send under a lease.

Bulk paths throughout (scheduling.md): ``INSERT … ON CONFLICT DO NOTHING`` on the outbox's
unique key (one ``unnest`` statement on PostgreSQL, ``executemany`` on SQLite) and Core
``executemany`` updates. A claim is ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (dropped on
SQLite, where writers are serialised), so replicas never claim the same row.
Every write after a claim is fenced by ``(status='sending', attempts=attempt)``: a sender that
lost its lease cannot overwrite the row. ``team_id=None`` means every workspace (the tick).
Nothing here commits; the caller's unit of work does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Select,
    Table,
    and_,
    bindparam,
    case,
    false,
    func,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel

from storage.models import (
    CheckinDelivery,
    DeliveryKind,
    DeliveryStatus,
    Goal,
    GoalStatus,
    Person,
    Workspace,
)
from storage.repositories.leasing import lease_rows


def _table(model: type[SQLModel]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


OUTBOX, PERSON, WORKSPACE, GOAL = (_table(m) for m in (CheckinDelivery, Person, Workspace, Goal))
UNIQUE_KEY = ["team_id", "person_id", "kind", "period_key"]
CHUNK = 2000  # ids per IN list (SQLite allows 32,766 bound variables)


@dataclass(frozen=True)
class DueOwner:
    """An owner whose next check-in is due (or unset), with their workspace's settings."""

    person_id: int
    team_id: str
    next_checkin_at: datetime | None
    tz: str | None
    checkin_weekday: int | None
    checkin_time: str | None
    away_until: date | None
    cadence: str
    workspace_weekday: int
    workspace_time: str
    workspace_tz: str
    holidays: tuple[str, ...]
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


@dataclass(frozen=True)
class ClaimedDelivery:
    """An outbox row this sender holds until `lease_until`; `attempt` fences later writes."""

    id: int
    team_id: str
    person_id: int
    kind: DeliveryKind
    period_key: str
    due_at: datetime
    attempt: int
    lease_until: datetime
    recovering: bool  # an earlier claim's outcome is unknown: look in Slack before posting
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


def _in_team(table: Table, team_id: str | None) -> ColumnElement[bool]:
    return table.c.team_id == team_id if team_id is not None else true()


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
        .where(_in_team(PERSON, team_id), due, _eligible())
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
        .where(_in_team(PERSON, team_id), PERSON.c.next_checkin_at <= now, ~_eligible())
        .values(next_checkin_at=None)
    )
    return _count(session, statement)


def _count(session: Session, statement: Any, params: Any = None) -> int:
    """How many rows a write statement touched."""
    return int(cast(CursorResult[Any], session.execute(statement, params)).rowcount or 0)


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
    return _count(session, statement, params)


def claim_due(
    *, session: Session, now: datetime, lease: timedelta, limit: int, team_id: str | None = None
) -> list[ClaimedDelivery]:
    """Claim up to `limit` rows to send: expired leases first (to recover), then due pending."""
    c = OUTBOX.c
    expired = and_(c.status == DeliveryStatus.SENDING, c.lease_until <= now)
    ready = or_(c.lease_until.is_(None), c.lease_until <= now)
    pending = and_(c.status == DeliveryStatus.PENDING, c.due_at <= now, ready)
    until, scope = now + lease, _in_team(OUTBOX, team_id)
    found = _claim(session, and_(scope, expired), until, limit, recovering=True)
    found += _claim(session, and_(scope, pending), until, limit - len(found), recovering=False)
    return _describe(session, found)


def _claim(
    session: Session, where: ColumnElement[bool], until: datetime, limit: int, *, recovering: bool
) -> list[ClaimedDelivery]:
    """Lease the first `limit` rows matching `where`, skipping rows another replica holds."""
    c = OUTBOX.c
    rows = lease_rows(
        session,
        OUTBOX,
        where,
        until=until,
        limit=limit,
        order_by=(c.due_at, c.id),
        returning=(
            c.id,
            c.team_id,
            c.person_id,
            c.kind,
            c.period_key,
            c.due_at,
            c.attempts.label("attempt"),
        ),
    )
    return [ClaimedDelivery(**row, lease_until=until, recovering=recovering) for row in rows]


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


def _finish(session: Session, claim: ClaimedDelivery, *, also: Any = None, **values: Any) -> bool:
    """Write a claimed row's outcome; False when this claim no longer holds the row."""
    c = OUTBOX.c
    held = or_(c.status == DeliveryStatus.SENDING, also if also is not None else false())
    where = and_(c.team_id == claim.team_id, c.id == claim.id, c.attempts == claim.attempt, held)
    return _count(session, update(OUTBOX).where(where).values(**values)) == 1


def mark_sent(
    *, session: Session, claim: ClaimedDelivery, channel: str, message_ts: str, sent_at: datetime
) -> bool:
    """Record the delivered message, also when its owner answered before this was written."""
    c = OUTBOX.c
    owner_was_quick = and_(c.status.in_(_ANSWERED), c.message_ts.is_(None))
    status = case((c.status == DeliveryStatus.SENDING, DeliveryStatus.SENT), else_=c.status)
    values = {"channel": channel, "message_ts": message_ts, "sent_at": sent_at, "error": None}
    return _finish(session, claim, also=owner_was_quick, status=status, lease_until=None, **values)


_ANSWERED = [DeliveryStatus.ANSWERED, DeliveryStatus.SKIPPED]


def mark_failed(*, session: Session, claim: ClaimedDelivery, error: str) -> bool:
    """Give up on a row without delivering it, keeping the reason."""
    return _finish(
        session, claim, status=DeliveryStatus.FAILED, lease_until=None, error=error[:500]
    )


def mark_skipped(*, session: Session, claim: ClaimedDelivery, reason: str) -> bool:
    """Record a claimed row as deliberately not sent (too late, nothing to ask)."""
    status = DeliveryStatus.SKIPPED
    return _finish(session, claim, status=status, lease_until=None, error=reason[:500])


def release(
    *,
    session: Session,
    claim: ClaimedDelivery,
    retry_at: datetime,
    count_attempt: bool,
    error: str | None = None,
) -> bool:
    """Return a row known not to be posted to pending, claimable again from `retry_at`."""
    attempts = OUTBOX.c.attempts if count_attempt else OUTBOX.c.attempts - 1
    status = DeliveryStatus.PENDING
    return _finish(
        session, claim, status=status, lease_until=retry_at, attempts=attempts, error=error
    )


def hold_unsure(
    *, session: Session, claim: ClaimedDelivery, check_at: datetime, error: str
) -> bool:
    """Keep a row whose post may have reached Slack in `sending`, to be checked from `check_at`."""
    return _finish(session, claim, lease_until=check_at, error=error[:500])

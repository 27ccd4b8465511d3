"""Planning: turn owners whose check-in is due into outbox rows, in one transaction.

Read the due owners, decide with the pure ``bot.rhythm.plan_due``, then write in one unit of
work: new pending and skipped rows (``ON CONFLICT DO NOTHING``, so a second planner or a rerun
adds nothing), owners' next check-in moved only where it still holds the value read (so a
concurrent rule change, which unsets it, is never overwritten), and owners without an active
goal parked (next check-in unset) until they have one.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import Engine

from bot.checkins.reports import PlanReport
from bot.domain.clock import Clock
from bot.rhythm import DEFAULT_LATE_LIMIT, CheckinRule, OwnerSchedule, Plan, build_rule, plan_due
from storage.db import unit_of_work
from storage.models import DeliveryStatus
from storage.repositories import outbox
from storage.repositories.outbox import DueOwner, NewDelivery, NextCheckin

_Shape = tuple[CheckinRule, datetime | None, datetime | None]
logger = logging.getLogger(__name__)


def plan_checkins(
    engine: Engine,
    clock: Clock,
    *,
    team_id: str | None = None,
    late_limit: timedelta = DEFAULT_LATE_LIMIT,
) -> PlanReport:
    """Create the outbox rows of every check-in due now and move owners to their next one."""
    now = clock.now()
    with unit_of_work(engine) as session:
        owners = outbox.load_due_owners(session=session, now=now, team_id=team_id)
    plan = plan_owners(owners, now, late_limit)
    rows = delivery_rows(owners, plan)
    moves = next_moves(owners, plan)
    with unit_of_work(engine) as session:
        inserted = outbox.insert_deliveries(session=session, rows=rows, now=now)
        moved = outbox.move_next_checkins(session=session, moves=moves)
        parked = outbox.park_idle_owners(session=session, now=now, team_id=team_id)
    return PlanReport(
        owners=len(owners),
        planned=inserted[DeliveryStatus.PENDING],
        skipped=inserted[DeliveryStatus.SKIPPED],
        moved=moved,
        parked=parked,
    )


def plan_owners(owners: Sequence[DueOwner], now: datetime, late_limit: timedelta) -> Plan:
    """``plan_due`` over the owners, computed once per distinct (rule, next, last due)."""
    groups: dict[_Shape, list[int]] = defaultdict(list)
    rules: dict[DueOwner, CheckinRule | None] = {}
    for owner in owners:
        rule = _rule(owner, rules)
        if rule is not None:
            groups[(rule, owner.next_checkin_at, owner.last_due_at)].append(owner.person_id)
    shapes = list(groups)
    plans = [_plan_group(index, shape, now, late_limit) for index, shape in enumerate(shapes)]
    merged = Plan(
        deliveries=tuple(d for plan in plans for d in plan.deliveries),
        skipped=tuple(s for plan in plans for s in plan.skipped),
        next_checkin_at={k: v for plan in plans for k, v in plan.next_checkin_at.items()},
    )
    return _expand(merged, [groups[shape] for shape in shapes])


def _plan_group(index: int, shape: _Shape, now: datetime, late_limit: timedelta) -> Plan:
    """One group's plan (empty, and logged, when its rule has no slot in reach)."""
    try:
        return plan_due([OwnerSchedule(index, *shape)], now, late_limit=late_limit)
    except ValueError:
        logger.exception("cannot plan check-ins under %s", shape[0])
        return Plan()


def _rule(owner: DueOwner, cache: dict[DueOwner, CheckinRule | None]) -> CheckinRule | None:
    """The owner's rule, built once per distinct settings; None (logged) when they are invalid."""
    key = replace(owner, person_id=0, team_id="", next_checkin_at=None, last_due_at=None)
    if key not in cache:
        try:
            cache[key] = build_rule(
                cadence=owner.cadence,
                weekday=owner.workspace_weekday,
                checkin_time=owner.workspace_time,
                workspace_tz=owner.workspace_tz,
                holidays=owner.holidays,
                person_tz=owner.tz,
                person_weekday=owner.checkin_weekday,
                person_time=owner.checkin_time,
                away_until=owner.away_until,
            )
        except ValueError:
            logger.exception("invalid check-in settings for person %s", owner.person_id)
            cache[key] = None
    return cache[key]


def _expand(plan: Plan, members: list[list[int]]) -> Plan:
    """A plan made per group, written out for every person in each group."""
    return Plan(
        deliveries=tuple(
            replace(d, person_id=pid) for d in plan.deliveries for pid in members[d.person_id]
        ),
        skipped=tuple(
            replace(s, person_id=pid) for s in plan.skipped for pid in members[s.person_id]
        ),
        next_checkin_at={
            pid: at for index, at in plan.next_checkin_at.items() for pid in members[index]
        },
    )


def delivery_rows(owners: Sequence[DueOwner], plan: Plan) -> list[NewDelivery]:
    """The outbox rows of a plan: one pending row per send, one skipped row per skip."""
    teams = {owner.person_id: owner.team_id for owner in owners}
    sends = [
        NewDelivery(teams[d.person_id], d.person_id, d.period_key, d.due_at, kind=d.kind)
        for d in plan.deliveries
    ]
    skips = [
        NewDelivery(
            teams[s.person_id],
            s.person_id,
            s.period_key,
            s.due_at,
            DeliveryStatus.SKIPPED,
            s.kind,
            f"skipped: {s.reason}",
        )
        for s in plan.skipped
    ]
    return sends + skips


def next_moves(owners: Sequence[DueOwner], plan: Plan) -> list[NextCheckin]:
    """Each changed owner's new next check-in, with the value it replaces."""
    previous = {owner.person_id: owner.next_checkin_at for owner in owners}
    return [NextCheckin(pid, previous[pid], at) for pid, at in plan.next_checkin_at.items()]


def preview_checkins(
    engine: Engine,
    clock: Clock,
    *,
    team_id: str | None = None,
    late_limit: timedelta = DEFAULT_LATE_LIMIT,
) -> Plan:
    """What planning would create now, without writing anything (``goalbot tick --dry-run``)."""
    now = clock.now()
    with unit_of_work(engine) as session:
        owners = outbox.load_due_owners(session=session, now=now, team_id=team_id)
    return plan_owners(owners, now, late_limit)

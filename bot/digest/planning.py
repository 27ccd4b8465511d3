"""Planning digests: one row per subscription and week, inserted once by whichever replica."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from bot.digest.weeks import plan_subscription
from bot.domain.clock import Clock
from storage.db import unit_of_work
from storage.models import DeliveryStatus
from storage.repositories import digest_outbox as rows
from storage.repositories.digest_outbox import NewDigest


@dataclass(frozen=True)
class DigestPlanReport:
    """One planning pass: subscriptions looked at, digests planned, weeks recorded as skipped."""

    subscriptions: int = 0
    planned: int = 0
    skipped: int = 0


def plan_digests(engine: Engine, clock: Clock, *, team_id: str | None = None) -> DigestPlanReport:
    """Add the digest rows due by now (``ON CONFLICT DO NOTHING``: a rerun adds nothing)."""
    now = clock.now()
    with unit_of_work(engine) as session:
        subscriptions = rows.planned_subscriptions(session=session, team_id=team_id)
        planned = [row for sub in subscriptions for row in plan_subscription(sub, now)]
        inserted = rows.insert_digests(session=session, rows=planned, now=now)
    return DigestPlanReport(
        subscriptions=len(subscriptions),
        planned=inserted[DeliveryStatus.PENDING],
        skipped=inserted[DeliveryStatus.SKIPPED],
    )


def preview_digests(engine: Engine, clock: Clock, *, team_id: str | None = None) -> list[NewDigest]:
    """The digest rows planning would add now, without writing (``goalbot tick --dry-run``)."""
    now = clock.now()
    with unit_of_work(engine) as session:
        subscriptions = rows.planned_subscriptions(session=session, team_id=team_id)
    return [row for sub in subscriptions for row in plan_subscription(sub, now)]


def digest_plan_lines(planned: list[NewDigest]) -> list[str]:
    """A dry run's digests as lines: what would be posted, what recorded as skipped."""
    lines = [
        f"{'digest' if row.status is DeliveryStatus.PENDING else 'skip digest'}  "
        f"subscription {row.subscription_id}  {row.week_key}  due {row.due_at:%Y-%m-%d %H:%M}Z"
        + (f"  ({row.note})" if row.note else "")
        for row in planned
    ]
    posts = sum(1 for row in planned if row.status is DeliveryStatus.PENDING)
    lines.append(
        f"{posts} digests to post, {len(planned) - posts} to skip (dry run: nothing posted)"
    )
    return lines

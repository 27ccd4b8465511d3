"""The check-in tick: plan what is due, then send it. Every replica may run it at once.

The scheduler calls :func:`run_tick` from one interval job (every 30 to 60 s); tests call it
directly with a fixed clock. Planning and sending are safe to run concurrently in any number of
processes against one PostgreSQL database: planning inserts each row once (unique key), and
each row is posted by the one claim that holds it (``FOR UPDATE SKIP LOCKED`` plus a lease).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from bot.checkins.pacing import Pacer
from bot.checkins.planning import plan_checkins
from bot.checkins.reports import PlanReport, SendReport
from bot.checkins.sending import DEFAULT_BATCH, DEFAULT_LEASE, SendPolicy, send_due
from bot.checkins.types import Composer, Poster
from bot.clock import Clock

__all__ = ["TickReport", "plan_checkins", "run_tick", "send_due"]


@dataclass(frozen=True)
class TickReport:
    """One tick: what planning created and what sending did."""

    plan: PlanReport
    send: SendReport


def run_tick(
    engine: Engine,
    clock: Clock,
    poster: Poster,
    composer: Composer,
    *,
    batch: int = DEFAULT_BATCH,
    lease: timedelta = DEFAULT_LEASE,
    pacer: Pacer | None = None,
    policy: SendPolicy | None = None,
    max_batches: int | None = None,
    team_id: str | None = None,
) -> TickReport:
    """Plan the check-ins due now, then deliver every due row (of one workspace, if given)."""
    planned = plan_checkins(engine, clock, team_id=team_id)
    sent = send_due(
        engine,
        clock,
        poster,
        composer,
        batch=batch,
        lease=lease,
        pacer=pacer,
        policy=policy,
        max_batches=max_batches,
        team_id=team_id,
    )
    return TickReport(planned, sent)

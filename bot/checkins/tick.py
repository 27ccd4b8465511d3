"""The check-in tick: plan, follow up sent check-ins, then send. Every replica may run it.

The scheduler calls :func:`run_tick` from one interval job (every 30 to 60 s); tests call it
directly with a fixed clock. Planning and sending are safe to run concurrently in any number of
processes against one PostgreSQL database: planning inserts each row once (unique key), and
each row is posted by the one claim that holds it (``FOR UPDATE SKIP LOCKED`` plus a lease).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from bot.checkins.followups import run_followups
from bot.checkins.planning import plan_checkins
from bot.checkins.reports import FollowupReport, PlanReport
from bot.checkins.sending import send_due
from bot.delivery.engine import DeliveryPolicy
from bot.delivery.outcomes import SendReport
from bot.delivery.pacing import Pacer
from bot.delivery.types import Composer, Poster
from bot.domain.clock import Clock


@dataclass(frozen=True)
class TickReport:
    """One tick: what planning created, what follow-ups found and what sending did."""

    plan: PlanReport
    send: SendReport
    followups: FollowupReport = field(default_factory=FollowupReport)


def run_tick(
    engine: Engine,
    clock: Clock,
    poster: Poster,
    composer: Composer,
    *,
    pacer: Pacer | None = None,
    policy: DeliveryPolicy | None = None,
    max_batches: int | None = None,
    team_id: str | None = None,
) -> TickReport:
    """Plan due check-ins, mark missed ones and plan follow-ups, then deliver every due row."""
    planned = plan_checkins(engine, clock, team_id=team_id)
    followed = run_followups(engine, clock, team_id=team_id)
    sent = send_due(
        engine,
        clock,
        poster,
        composer,
        pacer=pacer,
        policy=policy,
        max_batches=max_batches,
        team_id=team_id,
    )
    return TickReport(planned, sent, followed)

"""The digest tick: plan this week's digests, then post the due ones. Every replica may run it.

It runs inside the same scheduled tick as check-ins (``goalbot.tick``) and in
``goalbot tick``; tests call it directly with a fixed clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from bot.delivery.engine import DeliveryPolicy
from bot.delivery.pacing import Pacer
from bot.delivery.types import Poster
from bot.digest.planning import DigestPlanReport, plan_digests
from bot.digest.sending import DigestSendReport, send_due_digests
from bot.domain.clock import Clock


@dataclass(frozen=True)
class DigestTickReport:
    """One digest tick: what planning added and what sending did."""

    plan: DigestPlanReport
    send: DigestSendReport


def run_digest_tick(
    engine: Engine,
    clock: Clock,
    poster: Poster,
    *,
    policy: DeliveryPolicy | None = None,
    pacer: Pacer | None = None,
    team_id: str | None = None,
) -> DigestTickReport:
    """Plan due digests, then claim and post each exactly once."""
    planned = plan_digests(engine, clock, team_id=team_id)
    sent = send_due_digests(engine, clock, poster, policy=policy, pacer=pacer, team_id=team_id)
    return DigestTickReport(planned, sent)

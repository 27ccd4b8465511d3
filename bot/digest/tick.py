"""The digest tick: plan this week's digests, then post the due ones. Every replica may run it.

It runs inside the same scheduled tick as check-ins (``goalbot.tick``) and in
``goalbot tick``; tests call it directly with a fixed clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from bot.digest.planning import DigestPlanReport, plan_digests
from bot.digest.sending import (
    DEFAULT_LEASE,
    DigestPolicy,
    DigestPoster,
    DigestSendReport,
    send_due_digests,
)
from bot.domain.clock import Clock


@dataclass(frozen=True)
class DigestTickReport:
    """One digest tick: what planning added and what sending did."""

    plan: DigestPlanReport
    send: DigestSendReport


def run_digest_tick(
    engine: Engine,
    clock: Clock,
    poster: DigestPoster,
    *,
    lease: timedelta = DEFAULT_LEASE,
    policy: DigestPolicy | None = None,
    team_id: str | None = None,
) -> DigestTickReport:
    """Plan due digests, then claim and post each exactly once."""
    planned = plan_digests(engine, clock, team_id=team_id)
    sent = send_due_digests(engine, clock, poster, lease=lease, policy=policy, team_id=team_id)
    return DigestTickReport(planned, sent)

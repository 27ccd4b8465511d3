"""The check-in engine: plan due check-ins into the outbox, claim them, post each exactly once.

- ``tick``: :func:`run_tick` = :func:`plan_checkins` + :func:`send_due`; what the scheduler runs.
- ``planning``: due owners -> ``bot.rhythm.plan_due`` -> outbox rows, in bulk.
- ``sending``: claim under a lease, compose, pace, post, record; recover rows left in doubt.
- ``pacing``: the token bucket that keeps posts under Slack's limits.
- ``types``: ``OutgoingMessage``, ``PostResult``, the ``Poster`` and ``Composer`` protocols.
- ``slack_poster``: the ``Poster`` over a ``slack_sdk.WebClient`` (the only Slack import here).
"""

from bot.checkins.planning import plan_checkins
from bot.checkins.reports import PlanReport
from bot.checkins.sending import DEFAULT_BATCH, DEFAULT_LEASE, SendPolicy, send_due
from bot.checkins.tick import TickReport, run_tick
from bot.delivery.outcomes import Outcome, SendReport
from bot.delivery.pacing import DEFAULT_BURST, DEFAULT_RATE, NoPacing, Pacer, TokenBucket
from bot.delivery.types import (
    METADATA_EVENT_TYPE,
    Composer,
    DeliveryUncertain,
    OutgoingMessage,
    Poster,
    PostRejected,
    PostResult,
    RateLimited,
    checkin_metadata,
)

__all__ = [
    "DEFAULT_BATCH",
    "DEFAULT_BURST",
    "DEFAULT_LEASE",
    "DEFAULT_RATE",
    "METADATA_EVENT_TYPE",
    "Composer",
    "DeliveryUncertain",
    "NoPacing",
    "Outcome",
    "OutgoingMessage",
    "Pacer",
    "PlanReport",
    "PostRejected",
    "PostResult",
    "Poster",
    "RateLimited",
    "SendPolicy",
    "SendReport",
    "TickReport",
    "TokenBucket",
    "checkin_metadata",
    "plan_checkins",
    "run_tick",
    "send_due",
]

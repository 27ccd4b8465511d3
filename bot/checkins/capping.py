"""The weekly DM cap, applied by the sender to reminders and escalations only.

Check-ins themselves are never capped: they are the point of the bot, at most one per cycle.
Before a reminder or an escalation is posted, the recipient's bot DMs in their local ISO week
(outbox rows with a ``sent_at``) are counted; at ``Workspace.weekly_dm_cap`` (default
``DEFAULT_WEEKLY_DM_CAP``, 5) the row is recorded as skipped with the reason "weekly cap".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine

from bot.rhythm import resolve_zone, within_weekly_cap
from storage.db import unit_of_work
from storage.models import DeliveryKind
from storage.repositories import followups
from storage.repositories.outbox import ClaimedDelivery

CAPPED_KINDS = frozenset({DeliveryKind.REMINDER, DeliveryKind.ESCALATION})
"""The kinds the cap applies to; never ``DeliveryKind.CHECKIN``."""

CAP_REASON = "weekly cap"
WEEK_AND_MARGIN = timedelta(days=8)  # enough history to cover any zone's current ISO week


def over_weekly_cap(
    engine: Engine, now: datetime, delivery: ClaimedDelivery, recipient: str
) -> bool:
    """True when posting this reminder or escalation to `recipient` would pass their cap."""
    if delivery.kind not in CAPPED_KINDS:
        return False
    with unit_of_work(engine) as session:
        context = followups.cap_context(
            session=session,
            team_id=delivery.team_id,
            slack_user_id=recipient,
            since=now - WEEK_AND_MARGIN,
        )
    if context is None:
        return False
    zone = resolve_zone(context.tz, context.workspace_tz)
    return not within_weekly_cap(context.sent, now, context.cap, zone)

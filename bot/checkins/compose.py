"""The real composer: the check-in DM, its reminder, and the escalation to a unit's lead.

- Check-in: one DM per owner covering all their open goals; None when they have none left.
- Reminder: the check-in again with ``reminder=True``, its buttons answering the ORIGINAL
  check-in (found by person, period_key, kind checkin); None once that is no longer `sent`
  (answered, skipped or missed meanwhile).
- Escalation: ``escalation_message`` to the lead of the owner's unit; None without a lead.

Reminders and escalations read the outbox, so they need the `engine`; without one they are
recorded as skipped.
"""

from __future__ import annotations

from sqlalchemy import Engine

from bot.blocks.checkin import checkin_message, escalation_message
from bot.blocks.message import Message
from bot.delivery.tags import dm_tag
from bot.delivery.types import OutgoingMessage
from bot.services.goals import GoalService
from storage.db import unit_of_work
from storage.models import DeliveryKind, DeliveryStatus
from storage.repositories import followups
from storage.repositories.outbox import ClaimedDelivery


class CheckinComposer:
    """Builds the DM for a claimed row of any kind; None when there is nothing to say."""

    def __init__(self, goals: GoalService, *, engine: Engine) -> None:
        self._goals = goals
        self._engine = engine

    def __call__(self, delivery: ClaimedDelivery) -> OutgoingMessage | None:
        """The DM for one claimed delivery, tagged with its delivery id."""
        if delivery.kind == DeliveryKind.CHECKIN:
            return self._checkin(delivery, delivery.id, reminder=False)
        if delivery.kind == DeliveryKind.REMINDER:
            return self._reminder(self._engine, delivery)
        if delivery.kind == DeliveryKind.ESCALATION:
            return self._escalation(self._engine, delivery)
        return None

    def _checkin(
        self, delivery: ClaimedDelivery, answer_id: int, *, reminder: bool
    ) -> OutgoingMessage | None:
        goals = self._goals.list_for(team_id=delivery.team_id, owner_id=delivery.person_id)
        if not goals:
            return None
        message = checkin_message(
            owner_name=goals[0].owner_name, goals=goals, delivery_id=answer_id, reminder=reminder
        )
        return _outgoing(delivery, delivery.slack_user_id, message)

    def _reminder(self, engine: Engine, delivery: ClaimedDelivery) -> OutgoingMessage | None:
        with unit_of_work(engine) as session:
            original = followups.find_checkin(
                session=session,
                team_id=delivery.team_id,
                person_id=delivery.person_id,
                period_key=delivery.period_key,
            )
        if original is None or original.status != DeliveryStatus.SENT:
            return None
        return self._checkin(delivery, original.id, reminder=True)

    def _escalation(self, engine: Engine, delivery: ClaimedDelivery) -> OutgoingMessage | None:
        team_id, person_id = delivery.team_id, delivery.person_id
        with unit_of_work(engine) as session:
            lead = followups.lead_of(session=session, team_id=team_id, person_id=person_id)
            original = followups.find_checkin(
                session=session,
                team_id=team_id,
                person_id=person_id,
                period_key=delivery.period_key,
            )
            missed = followups.missed_streak(
                session=session,
                team_id=team_id,
                person_id=person_id,
                until=original.due_at if original is not None else delivery.due_at,
            )
        if lead is None or missed == 0:
            return None
        message = escalation_message(
            lead_name=lead.name, owner_slack_id=lead.owner_slack_id, missed=missed
        )
        return _outgoing(delivery, lead.slack_user_id, message)


def _outgoing(delivery: ClaimedDelivery, channel: str, message: Message) -> OutgoingMessage:
    """The message as posted to `channel`, tagged with the delivery's id."""
    return OutgoingMessage(channel, message.text, message.blocks).tagged(dm_tag(delivery.id))

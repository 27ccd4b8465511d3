"""The real composer: one check-in DM per owner, covering all their open goals."""

from __future__ import annotations

from bot.blocks.checkin import checkin_message
from bot.checkins.types import METADATA_EVENT_TYPE, OutgoingMessage
from bot.services.goals import GoalService
from storage.repositories.outbox import ClaimedDelivery


class CheckinComposer:
    """Builds a check-in DM from the owner's open goals; None when they have none left."""

    def __init__(self, goals: GoalService) -> None:
        self._goals = goals

    def __call__(self, delivery: ClaimedDelivery) -> OutgoingMessage | None:
        """The DM for one claimed delivery, tagged with its delivery id."""
        goals = self._goals.list_for(delivery.team_id, owner_id=delivery.person_id)
        if not goals:
            return None
        message = checkin_message(
            owner_name=goals[0].owner_name, goals=goals, delivery_id=delivery.id
        )
        return OutgoingMessage(
            channel=delivery.slack_user_id,
            text=message.text,
            blocks=message.blocks,
            metadata={
                "event_type": METADATA_EVENT_TYPE,
                "event_payload": {"delivery_id": delivery.id},
            },
        )

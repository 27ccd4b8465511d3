"""The check-in sender's composer, taught the close-out DM.

Close-out rows live in the check-in outbox (kind ``closeout``), so the check-in sender claims,
paces, posts and recovers them like any DM; only composing them is the review's business.
"""

from __future__ import annotations

from typing import Protocol

from bot.delivery.types import Composer, OutgoingMessage
from storage.models import DeliveryKind
from storage.repositories.outbox import ClaimedDelivery


class CloseoutComposer(Protocol):
    """Builds the close-out DM of a claimed row (``ReviewService.compose_closeout``)."""

    def compose_closeout(self, delivery: ClaimedDelivery) -> OutgoingMessage | None:
        """The DM, or None when the owner has nothing left to close."""
        ...


def with_closeouts(base: Composer, reviews: CloseoutComposer) -> Composer:
    """A composer that builds close-out DMs itself and hands every other kind to ``base``."""

    def compose(delivery: ClaimedDelivery) -> OutgoingMessage | None:
        if delivery.kind == DeliveryKind.CLOSEOUT:
            return reviews.compose_closeout(delivery)
        return base(delivery)

    return compose

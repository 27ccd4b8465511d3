"""Reading check-in deliveries as people see them: the one waiting for an answer."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models import CheckinDelivery, DeliveryKind, DeliveryStatus


def open_checkin(*, session: Session, team_id: str, person_id: int) -> CheckinDelivery | None:
    """The person's newest check-in that was delivered and not yet answered, if any."""
    query = (
        select(CheckinDelivery)
        .where(
            CheckinDelivery.team_id == team_id,
            CheckinDelivery.person_id == person_id,
            CheckinDelivery.kind == DeliveryKind.CHECKIN,
            CheckinDelivery.status == DeliveryStatus.SENT,
        )
        .order_by(col(CheckinDelivery.due_at).desc())
    )
    return session.exec(query).first()

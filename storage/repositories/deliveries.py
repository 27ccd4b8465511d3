"""Reading check-in deliveries as people see them: the one waiting for an answer."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import CheckinDelivery, DeliveryKind, DeliveryStatus, GoalUpdate


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


def answer_open_checkin(
    *, session: Session, team_id: str, person_id: int, now: datetime
) -> CheckinDelivery | None:
    """Mark the person's open check-in answered (their update answers it, however it came)."""
    delivery = open_checkin(session=session, team_id=team_id, person_id=person_id)
    if delivery is not None:
        delivery.status, delivery.answered_at = DeliveryStatus.ANSWERED, now
    return delivery


def get_delivery(*, session: Session, team_id: str, delivery_id: int) -> CheckinDelivery | None:
    """A delivery by id, only within the workspace."""
    row = session.get(CheckinDelivery, delivery_id)
    return row if row is not None and row.team_id == team_id else None


def updates_of_delivery(*, session: Session, team_id: str, delivery_id: int) -> list[GoalUpdate]:
    """The updates recorded in answer to one delivery."""
    query = select(GoalUpdate).where(
        GoalUpdate.team_id == team_id, GoalUpdate.delivery_id == delivery_id
    )
    return list(session.exec(query.order_by(col(GoalUpdate.id))))


def delete_updates(*, session: Session, updates: list[GoalUpdate]) -> None:
    """Remove updates (an owner's undo, inside the undo window only)."""
    for update in updates:
        session.delete(update)

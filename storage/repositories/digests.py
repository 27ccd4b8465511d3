"""Digest subscriptions: which channels get the weekly digest, for which scope."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import DigestSubscription


def find_subscription(
    *, session: Session, team_id: str, channel_id: str, unit_id: int | None
) -> DigestSubscription | None:
    """The subscription of a channel to one scope (None = the company), if any."""
    query = select(DigestSubscription).where(
        DigestSubscription.team_id == team_id, DigestSubscription.channel_id == channel_id
    )
    scope = (
        col(DigestSubscription.unit_id).is_(None)
        if unit_id is None
        else DigestSubscription.unit_id == unit_id
    )
    return session.exec(query.where(scope)).first()


def add_subscription(
    *,
    session: Session,
    team_id: str,
    channel_id: str,
    unit_id: int | None,
    by: int | None,
    now: datetime,
) -> DigestSubscription:
    """Subscribe a channel to a scope's digest."""
    row = DigestSubscription(
        team_id=team_id, channel_id=channel_id, unit_id=unit_id, created_by_id=by, created_at=now
    )
    session.add(row)
    session.flush()
    return row


def list_subscriptions(*, session: Session, team_id: str) -> list[DigestSubscription]:
    """Every digest subscription of a workspace."""
    query = select(DigestSubscription).where(DigestSubscription.team_id == team_id)
    return list(session.exec(query.order_by(col(DigestSubscription.id))))

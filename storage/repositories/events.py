"""Slack event ids already handled, so a retried delivery is processed once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete

from storage.models import ProcessedEvent


def claim_event(*, session: Session, team_id: str, key: str, at: datetime) -> bool:
    """Record an event key; False when it was recorded before (a retry or a duplicate)."""
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(key=key, team_id=team_id, created_at=at))
        return True
    except IntegrityError:
        return False


def forget_events_before(*, session: Session, before: datetime) -> int:
    """Delete event keys older than an instant (Slack stops retrying after minutes)."""
    result = session.exec(delete(ProcessedEvent).where(col(ProcessedEvent.created_at) < before))
    return int(result.rowcount or 0)

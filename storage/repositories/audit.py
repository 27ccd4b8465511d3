"""The audit trail: who changed what, when, from what to what."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlmodel import Session, col, select

from storage.models import AuditEvent


def snapshot(row: Any, fields: Sequence[str]) -> dict[str, Any]:
    """A JSON-safe picture of some of a row's fields, for an audit event's before/after."""
    return {name: _jsonable(getattr(row, name)) for name in fields}


def record_audit(
    *,
    session: Session,
    team_id: str,
    actor: str,
    entity: str,
    entity_id: int | None,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
    at: datetime,
) -> AuditEvent:
    """Add an audit event to the session (the caller's unit of work commits it)."""
    event = AuditEvent(
        team_id=team_id,
        actor=actor,
        entity=entity,
        entity_id=entity_id,
        action=action,
        before=before,
        after=after,
        created_at=at,
    )
    session.add(event)
    return event


def list_audit(
    *, session: Session, team_id: str, entity: str | None = None, entity_id: int | None = None
) -> list[AuditEvent]:
    """Audit events of a workspace, oldest first, optionally for one entity."""
    query = select(AuditEvent).where(AuditEvent.team_id == team_id)
    if entity is not None:
        query = query.where(AuditEvent.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == entity_id)
    return list(session.exec(query.order_by(col(AuditEvent.id))))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value

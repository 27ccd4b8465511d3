"""Workspaces: one Slack team and its settings."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.models import Workspace


def get_workspace(*, session: Session, team_id: str) -> Workspace | None:
    """The workspace of a Slack team, or None when it has never been seen."""
    return session.get(Workspace, team_id)


def get_or_create_workspace(
    *,
    session: Session,
    team_id: str,
    now: datetime,
    defaults: Mapping[str, Any] | None = None,
) -> Workspace:
    """The workspace of a Slack team, created with ``defaults`` when it is new."""
    workspace = session.get(Workspace, team_id)
    if workspace is not None:
        return workspace
    workspace = Workspace(id=team_id, created_at=now, **dict(defaults or {}))
    session.add(workspace)
    session.flush()
    return workspace


def workspace_ids(*, session: Session) -> list[str]:
    """The ids of every workspace in the database."""
    return list(session.exec(select(Workspace.id).order_by(col(Workspace.id))))

"""Critical success factors: each unit's ranked few for a period."""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, col, select

from storage.models import Csf, Goal


def get_csf(*, session: Session, team_id: str, csf_id: int) -> Csf | None:
    """A CSF by database id, only within the workspace."""
    csf = session.get(Csf, csf_id)
    return csf if csf is not None and csf.team_id == team_id else None


def get_csf_by_key(*, session: Session, team_id: str, key: str) -> Csf | None:
    """A CSF by its key."""
    query = select(Csf).where(Csf.team_id == team_id, Csf.key == key)
    return session.exec(query).first()


def list_csfs(
    *, session: Session, team_id: str, unit_id: int, period: str | Collection[str]
) -> list[Csf]:
    """A unit's CSFs for a period (or several), by rank."""
    periods = [period] if isinstance(period, str) else list(period)
    query = select(Csf).where(
        Csf.team_id == team_id, Csf.unit_id == unit_id, col(Csf.period).in_(periods)
    )
    return list(session.exec(query.order_by(col(Csf.rank), col(Csf.id))))


def add_csf(*, session: Session, csf: Csf) -> Csf:
    """Add a new CSF and flush it so it has an id."""
    session.add(csf)
    session.flush()
    return csf


def goals_of_csf(*, session: Session, team_id: str, csf_id: int) -> list[Goal]:
    """The goals that serve a CSF, by number."""
    query = select(Goal).where(Goal.team_id == team_id, Goal.csf_id == csf_id)
    return list(session.exec(query.order_by(col(Goal.number))))


def delete_csf(*, session: Session, csf: Csf) -> None:
    """Delete a CSF (its goals must have been unlinked first)."""
    session.delete(csf)
    session.flush()


def list_csfs_of_period(*, session: Session, team_id: str, periods: Collection[str]) -> list[Csf]:
    """Every CSF of the workspace in some periods, by unit and rank."""
    query = select(Csf).where(Csf.team_id == team_id, col(Csf.period).in_(list(periods)))
    return list(session.exec(query.order_by(col(Csf.unit_id), col(Csf.rank))))

"""The CSF service: each unit's ranked critical success factors for a period."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotFound
from bot.domain.goals import goal_label
from bot.services.context import audit, load_actor, load_authority, require_unit, saved_id
from bot.services.goal_checks import check_period
from bot.services.permissions import require_manage_csfs
from storage.db import unit_of_work
from storage.models import Csf, Unit
from storage.repositories.audit import snapshot
from storage.repositories.csfs import add_csf, delete_csf, goals_of_csf, list_csfs

FOCUS_LIMIT = 3
TEXT_MAX = 200
CSF_FIELDS = ("unit_id", "period", "rank", "title", "kpi", "key")


@dataclass(frozen=True)
class AddedCsf:
    """A new CSF and, past the method's 2-3, a warning about focus."""

    csf: Csf
    warning: str | None = None


class CsfService:
    """Lists, adds and removes a unit's CSFs; leads, executives and admins may change them."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def list_for(self, *, team_id: str, unit_key: str, period: str) -> list[Csf]:
        """A unit's CSFs for a period, by rank."""
        with unit_of_work(self._engine) as session:
            unit = require_unit(session, team_id, unit_key)
            return _csfs(session, unit, period)

    def add(
        self,
        *,
        team_id: str,
        actor_id: str,
        unit_key: str,
        period: str,
        title: str,
        kpi: str | None = None,
    ) -> AddedCsf:
        """Add a CSF at the next rank; a fourth (or later) one comes with a focus warning."""
        with unit_of_work(self._engine) as session:
            now = self._clock.now()
            unit = self._authorized_unit(session, team_id, actor_id, unit_key)
            existing = _csfs(session, unit, period)
            csf = _new_csf(unit, str(check_period(period)), title, kpi, existing, now)
            add_csf(session=session, csf=csf)
            audit(session, actor_id, csf, "create", {}, snapshot(csf, CSF_FIELDS), now)
            return AddedCsf(csf=csf, warning=_focus_warning(unit, csf.period, len(existing) + 1))

    def remove(self, *, team_id: str, actor_id: str, unit_key: str, period: str, rank: int) -> Csf:
        """Remove the CSF at a rank; its goals are unlinked and the ranks below move up."""
        with unit_of_work(self._engine) as session:
            now = self._clock.now()
            unit = self._authorized_unit(session, team_id, actor_id, unit_key)
            existing = _csfs(session, unit, period)
            csf = _at_rank(unit, period, rank, existing)
            before = {**snapshot(csf, CSF_FIELDS), "goals": _unlink_goals(session, csf, now)}
            delete_csf(session=session, csf=csf)
            for new_rank, other in enumerate((c for c in existing if c is not csf), start=1):
                other.rank = new_rank
            audit(session, actor_id, csf, "remove", before, {}, now)
            return csf

    def _authorized_unit(
        self, session: Session, team_id: str, actor_id: str, unit_key: str
    ) -> Unit:
        unit = require_unit(session, team_id, unit_key)
        authority = load_authority(session, team_id, unit.id)
        require_manage_csfs(load_actor(session, team_id, actor_id), authority)
        return unit


def _csfs(session: Session, unit: Unit, period: str) -> list[Csf]:
    period_text = str(check_period(period))
    return list_csfs(
        session=session, team_id=unit.team_id, unit_id=saved_id(unit), period=period_text
    )


def _new_csf(
    unit: Unit, period: str, title: str, kpi: str | None, existing: list[Csf], now: datetime
) -> Csf:
    title = title.strip()
    if not title or len(title) > TEXT_MAX:
        raise InvalidInput(
            f"A CSF needs a title of 1 to {TEXT_MAX} characters, e.g. 'Win the mid-market'.",
            field="title",
        )
    if kpi is not None and len(kpi) > TEXT_MAX:
        raise InvalidInput(f"Keep the KPI to {TEXT_MAX} characters or fewer.", field="kpi")
    if any(csf.title.casefold() == title.casefold() for csf in existing):
        raise InvalidInput(
            f"{unit.name} already has the CSF '{title}' for {period}.", field="title"
        )
    key = f"{unit.key[:40]}-{period}-{secrets.token_hex(4)}"
    return Csf(
        team_id=unit.team_id,
        key=key,
        unit_id=saved_id(unit),
        period=period,
        rank=len(existing) + 1,
        title=title,
        kpi=kpi.strip() if kpi else None,
        created_at=now,
    )


def _focus_warning(unit: Unit, period: str, count: int) -> str | None:
    if count <= FOCUS_LIMIT:
        return None
    return (
        f"{unit.name} now has {count} CSFs for {period}. The method asks for 2-3: the few "
        "things the unit must do extremely well. Consider merging or removing one."
    )


def _at_rank(unit: Unit, period: str, rank: int, existing: list[Csf]) -> Csf:
    for csf in existing:
        if csf.rank == rank:
            return csf
    raise NotFound(
        f"{unit.name} has no CSF number {rank} for {period}; it has {len(existing)}. "
        "List them to see their numbers."
    )


def _unlink_goals(session: Session, csf: Csf, now: datetime) -> list[str]:
    labels: list[str] = []
    for goal in goals_of_csf(session=session, team_id=csf.team_id, csf_id=saved_id(csf)):
        goal.csf_id, goal.updated_at = None, now
        labels.append(goal_label(goal.number))
    session.flush()
    return labels

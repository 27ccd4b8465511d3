"""Units: the org tree (company, business units, teams) of a workspace."""

from __future__ import annotations

from sqlalchemy import Integer, literal, select
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from storage.models import Unit

# A guard against a corrupted tree with a loop: no real org chart is this deep.
MAX_DEPTH = 64


def get_unit(*, session: Session, team_id: str, unit_id: int) -> Unit | None:
    """A unit by database id, only within the workspace."""
    unit = session.get(Unit, unit_id)
    return unit if unit is not None and unit.team_id == team_id else None


def get_unit_by_key(*, session: Session, team_id: str, key: str) -> Unit | None:
    """A unit by its key (``sales``, ``emea-sales``)."""
    query = sm_select(Unit).where(Unit.team_id == team_id, Unit.key == key)
    return session.exec(query).first()


def list_units(*, session: Session, team_id: str) -> list[Unit]:
    """Every unit of the workspace, in creation order."""
    query = sm_select(Unit).where(Unit.team_id == team_id).order_by(col(Unit.id))
    return list(session.exec(query))


def root_units(*, session: Session, team_id: str) -> list[Unit]:
    """The units without a parent (normally one: the company)."""
    query = sm_select(Unit).where(Unit.team_id == team_id, col(Unit.parent_id).is_(None))
    return list(session.exec(query.order_by(col(Unit.id))))


def unit_parent_map(*, session: Session, team_id: str) -> dict[int, int | None]:
    """Each unit's parent id, for the whole workspace, in one two-column query."""
    query = select(col(Unit.id), col(Unit.parent_id)).where(col(Unit.team_id) == team_id)
    return {unit_id: parent_id for unit_id, parent_id in session.execute(query)}


def unit_ancestors(*, session: Session, team_id: str, unit_id: int) -> list[Unit]:
    """The unit and the units above it, nearest first, ending at the root (one query)."""
    start = select(col(Unit.id), col(Unit.parent_id), literal(0, Integer).label("depth")).where(
        col(Unit.team_id) == team_id, col(Unit.id) == unit_id
    )
    chain = start.cte("chain", recursive=True)
    step = select(col(Unit.id), col(Unit.parent_id), (chain.c.depth + 1).label("depth")).where(
        col(Unit.team_id) == team_id, col(Unit.id) == chain.c.parent_id, chain.c.depth < MAX_DEPTH
    )
    chain = chain.union_all(step)
    query = sm_select(Unit).join(chain, col(Unit.id) == chain.c.id).order_by(chain.c.depth)
    return _first_occurrences(list(session.exec(query)))


def unit_subtree_ids(*, session: Session, team_id: str, unit_id: int) -> list[int]:
    """The unit's id and the ids of every unit below it (one query)."""
    start = select(col(Unit.id)).where(col(Unit.team_id) == team_id, col(Unit.id) == unit_id)
    tree = start.cte("subtree", recursive=True)
    step = select(col(Unit.id)).where(
        col(Unit.team_id) == team_id, col(Unit.parent_id) == tree.c.id
    )
    tree = tree.union(step)  # UNION, not UNION ALL: a loop in the data still terminates
    return sorted(session.execute(select(tree.c.id)).scalars())


def _first_occurrences(units: list[Unit]) -> list[Unit]:
    seen: set[int | None] = set()
    result: list[Unit] = []
    for unit in units:
        if unit.id not in seen:
            seen.add(unit.id)
            result.append(unit)
    return result


def units_led_by(*, session: Session, team_id: str, person_id: int) -> list[Unit]:
    """The units a person leads, oldest first."""
    query = sm_select(Unit).where(Unit.team_id == team_id, Unit.lead_id == person_id)
    return list(session.exec(query.order_by(col(Unit.id))))

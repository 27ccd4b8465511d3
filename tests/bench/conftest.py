"""A small generated org (1/100 of the benchmark's) on each backend."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, Table, select

from bench.orggen.build import NOW, GeneratedOrg, OrgSize, generate
from bot.domain.cascade import alignment_problem, find_cycle
from bot.domain.periods import parse_period
from storage.models import Csf, Goal, GoalUpdate, Person, Unit, Workspace

SIZE = OrgSize().scaled(0.01)
MODELS: tuple[Any, ...] = (Workspace, Unit, Person, Csf, Goal, GoalUpdate)
TABLES: tuple[Table, ...] = tuple(model.__table__ for model in MODELS)


@dataclass(frozen=True)
class Generated:
    """A generated org and the engine it lives in."""

    engine: Engine
    org: GeneratedOrg


@pytest.fixture
def generated(engine: Engine) -> Generated:
    """The 1/100 org, seed 7, seen on the benchmark's `now`."""
    return Generated(engine, generate(engine, SIZE, seed=7, now=NOW))


def table_rows(engine: Engine, table: Table) -> list[dict[str, Any]]:
    """Every row of a table, by primary key, as dicts."""
    with engine.connect() as connection:
        query = select(table).order_by(*table.primary_key.columns)
        return [dict(row) for row in connection.execute(query).mappings()]


def misaligned(engine: Engine) -> list[str]:
    """Every way a goal breaks the cascade's rules: its parent, its CSF, a loop."""
    units = {u["id"]: u["parent_id"] for u in table_rows(engine, TABLES[1])}
    csfs = {c["id"]: c for c in table_rows(engine, TABLES[3])}
    goals = {g["id"]: g for g in table_rows(engine, TABLES[4])}
    problems = []
    for goal in goals.values():
        period = parse_period(goal["period"])
        if goal["parent_id"] is not None:
            parent = goals[goal["parent_id"]]
            problem = alignment_problem(
                child_period=period,
                child_unit_id=goal["unit_id"],
                parent_period=parse_period(parent["period"]),
                parent_unit_id=parent["unit_id"],
                unit_parent=units.get,
            )
            problems += [f"G-{goal['number']}: {problem}"] if problem else []
        csf = csfs.get(goal["csf_id"])
        if csf and (csf["unit_id"] != goal["unit_id"] or not _encloses(csf["period"], period)):
            problems.append(f"G-{goal['number']}: CSF of another unit or period")
    parents = {
        str(k): None if g["parent_id"] is None else str(g["parent_id"]) for k, g in goals.items()
    }
    loop = find_cycle(parents)
    return problems + ([f"a loop: {loop}"] if loop else [])


def _encloses(outer: str, inner: Any) -> bool:
    return parse_period(outer).encloses(inner)

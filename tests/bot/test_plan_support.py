"""Helpers shared by the plan tests: paths, a full database dump, row counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlmodel import SQLModel

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE_PLAN = ROOT / "examples" / "plan.yaml"
EXAMPLE_CSV = ROOT / "examples" / "goals.csv"
BASE_PLAN = DATA / "plan_base.yaml"


def dump(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, ordered by primary key: equal dumps mean equal data."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            tables[table.name] = [dict(row._mapping) for row in conn.execute(query)]
    return tables


def count(engine: Engine, table_name: str) -> int:
    """How many rows a table holds."""
    table = SQLModel.metadata.tables[table_name]
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

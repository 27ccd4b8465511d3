"""Read a goals table (CSV) into plan entries, remembering the line of every row.

The header names the columns: the goal fields of a YAML plan with the metric flattened
(``metric_name``, ``metric_unit``, ``baseline``, ``target``, ``direction``). An empty cell
gives nothing (the stored value is kept). Read-only columns that ``goalbot export`` writes
are ignored, so an exported table imports back unchanged.
"""

from __future__ import annotations

import csv
import io

from bot.plan.errors import PlanError, Where
from bot.plan.fields import GOAL_FIELDS, METRIC_FIELDS, Field, in_unit
from bot.plan.model import Entry, Plan, read_value

COLUMNS: dict[str, Field] = {
    **GOAL_FIELDS,
    **{stored: spec for stored, spec in METRIC_FIELDS.values()},
}
# Any of these makes a row's metric "given", so it needs metric_name and target too;
# ``direction`` alone does not (every goal stores one, with or without a metric).
METRIC_COLUMNS = ("metric_name", "metric_unit", "baseline", "target")
EXPORT_ONLY_COLUMNS = frozenset(
    {
        "number",
        "latest_value",
        "latest_health",
        "latest_confidence",
        "latest_update_at",
        "created_at",
        "updated_at",
    }
)


def parse_goals_csv(file: str, text: str) -> tuple[Plan, list[PlanError]]:
    """Parse a goals table; every row becomes one goal entry."""
    plan, errors = Plan(file), list[PlanError]()
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip() for cell in next(reader, [])]
    if not _header_ok(header, Where(file, 1), errors):
        plan.readable = False
        return plan, errors
    last_line = reader.line_num
    for cells in reader:
        line, last_line = last_line + 1, reader.line_num
        if any(cell.strip() for cell in cells):
            plan.goals.append(_row(header, cells, Where(file, line), errors))
    return plan, errors


def _header_ok(header: list[str], where: Where, errors: list[PlanError]) -> bool:
    before = len(errors)
    if not any(header):
        errors.append(where.child("header").error("the first row must name the columns"))
        return False
    for index, name in enumerate(header):
        if name not in COLUMNS and name not in EXPORT_ONLY_COLUMNS:
            errors.append(where.child(name or f"column {index + 1}").error("unknown column"))
        elif header.index(name) != index:
            errors.append(where.child(name).error("column given twice"))
    for name, spec in GOAL_FIELDS.items():
        if spec.required and name not in header:
            errors.append(where.child(name).error("missing required column"))
    return len(errors) == before


def _row(header: list[str], cells: list[str], where: Where, errors: list[PlanError]) -> Entry:
    entry = Entry(where)
    if len(cells) > len(header):
        errors.append(where.child("row").error(f"{len(cells)} cells for {len(header)} columns"))
    given = dict(zip(header, cells, strict=False))
    unit = given.get("metric_unit", "").strip() or None
    for name, cell in given.items():
        if name in COLUMNS and cell.strip():
            spec = in_unit(name, COLUMNS[name], unit)
            read_value(entry, name, spec, cell, where.child(name), errors)
    for name, spec in COLUMNS.items():
        if spec.required and name in GOAL_FIELDS and name not in entry.src:
            errors.append(where.child(name).error("missing value"))
    if any(name in entry.src for name in METRIC_COLUMNS):
        for name in ("metric_name", "target"):
            if name not in entry.src:
                errors.append(where.child(name).error("a metric needs metric_name and target"))
    return entry

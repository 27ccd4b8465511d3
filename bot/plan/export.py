"""Export a workspace's plan and progress: CSV (one row per goal) or JSON (everything).

CSV has the import columns first, so a table whose goals all have keys imports back
unchanged, then read-only columns: the goal number and its latest update. JSON holds every
column of the workspace, units, people, CSFs, goals, updates, reviews and review responses,
rows ordered by id, then ``review_summaries``: one readable record per review with its ratings
(``bot.plan.review_summaries``). Timestamps are ISO-8601 UTC (``2027-01-04T09:00:00Z``).
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, Literal, TextIO

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel

from bot.domain.errors import NotFound
from bot.plan.parse_csv import COLUMNS
from bot.plan.people import is_unlinked
from bot.plan.review_summaries import review_summaries
from bot.plan.write import RENAMES
from storage.models import Csf, Goal, GoalUpdate, Person, Review, ReviewResponse, Unit, Workspace
from storage.repositories.plan import Row, latest_updates, list_rows

ExportFormat = Literal["csv", "json"]
FORMAT_NAME = "goalbot-export"
FORMAT_VERSION = 1
TABLES: dict[str, type[SQLModel]] = {
    "units": Unit,
    "people": Person,
    "csfs": Csf,
    "goals": Goal,
    "updates": GoalUpdate,
    "reviews": Review,
    "review_responses": ReviewResponse,
}
LATEST_COLUMNS = ("value", "health", "confidence")
CSV_HEADER = [
    *COLUMNS,
    "number",
    *(f"latest_{name}" for name in LATEST_COLUMNS),
    "latest_update_at",
    "created_at",
    "updated_at",
]


def export_plan(engine: Engine, team_id: str, fmt: ExportFormat, out: TextIO) -> int:
    """Write a workspace's plan as CSV or JSON to ``out``; return the number of goals written."""
    if fmt not in ("csv", "json"):
        raise ValueError(f"unknown export format '{fmt}': use csv or json")
    with Session(engine) as session:
        workspace = session.get(Workspace, team_id)
        if workspace is None:
            raise NotFound(f"There is no workspace {team_id} to export.")
        tables = {
            name: list_rows(session=session, team_id=team_id, model=model)
            for name, model in TABLES.items()
        }
        if fmt == "json":
            _write_json(workspace.model_dump(), tables, out)
        else:
            _write_csv(tables, latest_updates(session=session, team_id=team_id), out)
    return len(tables["goals"])


def _write_json(workspace: Row, tables: dict[str, list[Row]], out: TextIO) -> None:
    document: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "workspace": _json_row(workspace),
        **{name: [_json_row(row) for row in rows] for name, rows in tables.items()},
    }
    summaries = review_summaries(tables["reviews"], tables["review_responses"], tables["units"])
    document["review_summaries"] = [_json_row(row) for row in summaries]
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _write_csv(tables: dict[str, list[Row]], latest: dict[int, Row], out: TextIO) -> None:
    names = _reference_names(tables)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for goal in sorted(tables["goals"], key=lambda row: int(row["number"])):
        update = latest.get(goal["id"], {})
        cells = {name: goal.get(RENAMES.get(name, name)) for name in COLUMNS}
        cells.update(
            {
                name: names[name].get(goal[f"{name}_id"])
                for name in ("owner", "unit", "parent", "csf")
            }
        )
        cells["number"] = f"G-{goal['number']}"
        cells.update({f"latest_{name}": update.get(name) for name in LATEST_COLUMNS})
        cells.update(
            latest_update_at=update.get("created_at"),
            created_at=goal["created_at"],
            updated_at=goal["updated_at"],
        )
        writer.writerow([_text(cells[name]) for name in CSV_HEADER])


def _reference_names(tables: dict[str, list[Row]]) -> dict[str, dict[Any, str]]:
    """How the CSV names what a goal points to: Slack id (or email), unit, goal, CSF key."""
    return {
        "owner": {row["id"]: _person_ref(row) for row in tables["people"]},
        "unit": {row["id"]: str(row["key"]) for row in tables["units"]},
        "parent": {row["id"]: str(row["key"] or f"G-{row['number']}") for row in tables["goals"]},
        "csf": {row["id"]: str(row["key"]) for row in tables["csfs"]},
    }


def _person_ref(row: Row) -> str:
    slack = str(row["slack_user_id"])
    return str(row["email"]) if is_unlinked(slack) and row["email"] else slack


def _json_row(row: Row) -> Row:
    return {name: _jsonable(value) for name, value in row.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _text(value: Any) -> str:
    """A CSV cell: numbers without a needless ``.0``, dates ISO, timestamps UTC."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(_jsonable(value))


def _utc(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")

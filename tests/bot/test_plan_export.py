"""Exporting a plan: CSV and JSON carry the key fields back out, and CSV imports back."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.domain.clock import FixedClock
from bot.domain.errors import NotFound
from bot.plan import export_plan, import_plan
from bot.plan.parse import parse_file
from storage.db import unit_of_work
from storage.models import GoalUpdate, Health, Review, ReviewResponse, UpdateSource
from tests.bot.test_plan_support import EXAMPLE_PLAN, dump

TEAM = "T0NW00000"
UPDATED_AT = datetime(2027, 1, 8, 16, 30, tzinfo=UTC)


def _plan_goals() -> dict[str, dict[str, object]]:
    plan, _ = parse_file(EXAMPLE_PLAN)
    return {str(goal.key): goal.values for goal in plan.goals}


def _add_progress(engine: Engine, goal_id: int, author_id: int) -> None:
    with unit_of_work(engine) as session:
        for days, value in ((0, 0.4), (3, 0.7)):
            session.add(
                GoalUpdate(
                    team_id=TEAM,
                    goal_id=goal_id,
                    value=value,
                    health=Health.ON_TRACK if value > 0.5 else Health.AT_RISK,
                    confidence=7,
                    author_id=author_id,
                    source=UpdateSource.TYPED,
                    created_at=UPDATED_AT - timedelta(days=3 - days),
                )
            )
        review = Review(team_id=TEAM, unit_id=1, period="2027-Q1", started_at=UPDATED_AT)
        session.add(review)
        session.flush()
        session.add(
            ReviewResponse(
                team_id=TEAM, review_id=review.id or 0, strategy_quality=8, created_at=UPDATED_AT
            )
        )


def _export(engine: Engine, fmt: str) -> str:
    out = io.StringIO()
    export_plan(engine, TEAM, fmt, out)  # type: ignore[arg-type]
    return out.getvalue()


def test_csv_export_has_one_row_per_goal_with_its_latest_update(
    engine: Engine, clock: FixedClock
) -> None:
    import_plan(engine, EXAMPLE_PLAN, clock)
    first = list(csv.DictReader(io.StringIO(_export(engine, "csv"))))
    number = next(row["number"] for row in first if row["key"] == "sales-q1-new-arr")
    _add_progress(engine, goal_id=int(number.removeprefix("G-")), author_id=2)

    rows = {row["key"]: row for row in csv.DictReader(io.StringIO(_export(engine, "csv")))}

    assert list(rows) == list(_plan_goals())
    for key, values in _plan_goals().items():
        row = rows[key]
        assert (row["title"], row["owner"], row["unit"]) == (
            values["title"],
            values["owner"],
            values["unit"],
        )
        assert (row["period"], row["parent"]) == (values["period"], values.get("parent") or "")
        assert row["target"] == _cell(values.get("target"))
        assert row["due"] == str(values.get("due") or "")
    sales = rows["sales-q1-new-arr"]
    assert (sales["latest_value"], sales["latest_health"]) == ("0.7", "on_track")
    assert sales["latest_update_at"] == "2027-01-08T16:30:00Z"
    assert sales["created_at"] == "2027-01-04T09:00:00Z"
    assert (
        rows["mkt-q1-cac"]["direction"] == "decrease" and rows["mkt-q1-cac"]["latest_value"] == ""
    )


def test_an_exported_csv_imports_back_unchanged(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    import_plan(engine, EXAMPLE_PLAN, clock)
    before = dump(engine)
    exported = tmp_path / "goals.csv"
    exported.write_text(_export(engine, "csv"))

    result = import_plan(engine, exported, clock)

    assert (result.goals.unchanged, result.changed) == (31, False)
    assert dump(engine) == before


def test_json_export_holds_the_whole_plan_and_its_progress(
    engine: Engine, clock: FixedClock
) -> None:
    import_plan(engine, EXAMPLE_PLAN, clock)
    _add_progress(engine, goal_id=1, author_id=1)

    document = json.loads(_export(engine, "json"))

    assert (document["format"], document["version"]) == ("goalbot-export", 1)
    assert document["workspace"]["name"] == "Northwind Analytics"
    sizes = {name: len(document[name]) for name in ("units", "people", "csfs", "goals")}
    assert sizes == {"units": 10, "people": 18, "csfs": 7, "goals": 31}
    assert (
        len(document["updates"]),
        len(document["reviews"]),
        len(document["review_responses"]),
    ) == (2, 1, 1)
    slack = {person["id"]: person["slack_user_id"] for person in document["people"]}
    goals = {goal["key"]: goal for goal in document["goals"]}
    for key, values in _plan_goals().items():
        goal = goals[key]
        assert (goal["title"], slack[goal["owner_id"]], goal["period"]) == (
            values["title"],
            values["owner"],
            values["period"],
        )
        assert goal["target"] == values.get("target")
        assert goal["direction"] == values.get("direction", "increase")
        assert goal["due_date"] == str(values["due"])
    assert document["updates"][1]["created_at"] == "2027-01-08T16:30:00Z"
    assert document["updates"][1]["health"] == "on_track"


def test_exporting_an_unknown_workspace_is_not_found(engine: Engine) -> None:
    with pytest.raises(NotFound):
        export_plan(engine, "T0NOPE", "json", io.StringIO())


def _cell(value: object) -> str:
    if value is None:
        return ""
    assert isinstance(value, float)
    return str(int(value)) if value.is_integer() else str(value)

"""Parsing plan files: values with their lines, YAML quirks, the CSV table, the example."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from bot.domain.periods import parse_period
from bot.plan.parse import parse_file, parse_yaml
from bot.plan.parse_csv import parse_goals_csv
from storage.models import Direction
from tests.bot.test_plan_support import EXAMPLE_CSV, EXAMPLE_PLAN


def _messages(errors: Sequence[object]) -> list[str]:
    return [str(error) for error in errors]


def test_values_keep_the_line_they_were_written_on() -> None:
    plan, errors = parse_yaml(
        "p.yaml",
        "goals:\n"
        "  - key: g1\n"
        "    title: On\n"
        "    owner: U0A1\n"
        "    unit: co\n"
        "    period: 2027-q1\n"
        "    metric:\n"
        "      name: Churn\n"
        "      target: 1_000\n"
        "      direction: Decrease\n"
        "    due: 2027-03-31\n",
    )

    assert errors == []
    [goal] = plan.goals
    assert (goal.where.line, goal.at("period").line, goal.at("metric_name").line) == (2, 6, 8)
    assert goal.at("target").field == "goals[0].metric.target"
    assert goal.values["title"] == "On"  # YAML 1.1 would have made this `true`
    assert goal.values["period"] == "2027-Q1"
    assert goal.values["target"] == 1000.0 and goal.values["direction"] is Direction.DECREASE
    assert goal.values["due"] == date(2027, 3, 31)


def test_shape_problems_name_their_line_and_field() -> None:
    _, errors = parse_yaml(
        "p.yaml",
        "goals:\n"
        "  - key: g1\n"
        "    key: g2\n"
        "    title: [a, b]\n"
        "    metric: 12\n"
        "    owner:\n"
        "people: {name: x}\n"
        "goalz: []\n",
    )

    assert _messages(errors) == [
        "p.yaml:3:goals[0].key: given twice (first at line 2)",
        "p.yaml:4:goals[0].title: expected a single value, not a list",
        "p.yaml:5:goals[0].metric: expected a mapping: name, unit, baseline, target, direction",
        "p.yaml:6:goals[0].owner: missing value",
        "p.yaml:2:goals[0].unit: missing required field",
        "p.yaml:2:goals[0].period: missing required field",
        "p.yaml:7:people: expected a list of entries (each line starting with '- ')",
        "p.yaml:8:goalz: unknown section 'goalz' (did you mean 'goals'?)",
    ]


def test_a_null_metric_clears_it_and_an_empty_file_is_not_a_plan() -> None:
    plan, errors = parse_yaml(
        "p.yaml",
        "goals:\n  - {key: g, title: T, owner: U0A, unit: u, period: FY2027, metric: null}\n",
    )
    assert errors == []
    assert plan.goals[0].values["target"] is None and "direction" not in plan.goals[0].values

    empty, errors = parse_yaml("e.yaml", "")
    assert not empty.readable
    assert _messages(errors) == [
        "e.yaml:1:yaml: expected a mapping of workspace, people, units, csfs and goals"
    ]


def test_a_file_that_is_not_utf8_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"goals: \xff\xfe\n")

    plan, errors = parse_file(path)

    assert not plan.readable
    assert _messages(errors) == [f"{path}:1:file: not UTF-8 text (invalid start byte)"]


def test_csv_rows_keep_their_first_line_even_after_a_multiline_cell() -> None:
    plan, errors = parse_file(EXAMPLE_CSV)

    assert errors == []
    assert [goal.where.line for goal in plan.goals] == [2, 3, 4, 5, 7]
    playbook = plan.goals[3]
    assert "baseline" not in playbook.values  # empty cells give nothing
    assert playbook.at("description").field == "description"


def test_csv_problems_name_the_row_line_and_column() -> None:
    header = "key,title,owner,unit,period,parent,baseline,number,latest_value\n"
    _, errors = parse_goals_csv(
        "g.csv",
        header + "g1,T,U0A,u,2027-Q1,,12x,G-4,3\n\ng2,,U0A,u,2027-Q9,,,,\n",
    )

    assert _messages(errors) == [
        "g.csv:2:baseline: '12x' is not a number: 'x' is not a unit goalbot knows (use k, M, B, "
        "%, or a currency symbol)",
        "g.csv:2:metric_name: a metric needs metric_name and target",
        "g.csv:2:target: a metric needs metric_name and target",
        "g.csv:4:period: '2027-Q9' is not a period: use a quarter like 2027-Q1 or a year like "
        "FY2027",
        "g.csv:4:title: missing value",
    ]


def test_a_csv_header_with_unknown_or_missing_columns_stops_there() -> None:
    plan, errors = parse_goals_csv("g.csv", "key,titel,owner,unit\ng1,T,U0A,u\n")

    assert not plan.readable
    assert _messages(errors) == [
        "g.csv:1:titel: unknown column",
        "g.csv:1:title: missing required column",
        "g.csv:1:period: missing required column",
    ]


def test_the_example_plan_is_a_realistic_company() -> None:
    plan, errors = parse_file(EXAMPLE_PLAN)

    assert errors == []
    goals, people = plan.goals, plan.people
    assert 20 <= len(goals) <= 40 and 15 <= len(people) <= 20
    zones = {person.values.get("tz") for person in people}
    assert {"America/New_York", "America/Los_Angeles", "Europe/Berlin", "Europe/London"} < zones
    assert {"Asia/Kolkata", "Australia/Sydney", None} < zones
    periods = {str(goal.values["period"]) for goal in goals}
    assert periods == {"FY2027", "2027-Q1"}
    assert all(
        goal.values["unit"] == "company"
        for goal in goals
        if parse_period(goal.values["period"]).is_year
    )
    directions = {goal.values.get("direction", Direction.INCREASE) for goal in goals}
    assert directions == {Direction.INCREASE, Direction.DECREASE}
    assert 1 <= sum("metric_name" not in goal.values for goal in goals) <= 2
    csf_units = [csf.values["unit"] for csf in plan.csfs]
    assert 2 <= csf_units.count("sales") <= 3 and 2 <= csf_units.count("marketing") <= 3
    assert all(str(person.values["slack_id"]).startswith("U0NW") for person in people)

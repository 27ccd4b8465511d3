"""The new-goal modal, its parser and the mapping of service errors to its fields."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.blocks import ids
from bot.blocks.new_goal import NewGoalInput, field_for, new_goal_modal, parse_new_goal
from bot.domain.goals import GoalDraft
from storage.models import Direction
from tests.bot.blocks_support import (
    assert_view,
    block_ids,
    dump,
    picked_state,
    select_state,
    text_state,
)

UNITS = [("sales", "Sales"), ("emea", "EMEA")]


def modal(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "units": UNITS,
        "default_unit": "emea",
        "period": "2027-Q1",
        "owner_slack_id": "U0DANA",
    }
    arguments.update(overrides)
    return new_goal_modal(**arguments)


def by_id(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(block for block in view["blocks"] if block.get("block_id") == block_id)


def test_new_goal_modal_has_every_input_prefilled() -> None:
    view = modal(title="Win 20 customers", csfs=[(7, "Win in DACH")], private_metadata="C1")
    assert_view(view)
    assert view["callback_id"] == ids.NEW_GOAL_VIEW
    assert view["private_metadata"] == "C1"
    assert block_ids(view["blocks"]) == [
        ids.NEW_GOAL_TITLE,
        ids.NEW_GOAL_OWNER,
        ids.NEW_GOAL_UNIT,
        ids.NEW_GOAL_PERIOD,
        ids.NEW_GOAL_PARENT,
        ids.NEW_GOAL_CSF,
        ids.NEW_GOAL_METRIC_NAME,
        ids.NEW_GOAL_BASELINE,
        ids.NEW_GOAL_TARGET,
        ids.NEW_GOAL_METRIC_UNIT,
        ids.NEW_GOAL_DIRECTION,
        ids.NEW_GOAL_DUE_DATE,
        ids.NEW_GOAL_DESCRIPTION,
    ]
    title = by_id(view, ids.NEW_GOAL_TITLE)
    assert title["optional"] is False
    assert title["element"]["initial_value"] == "Win 20 customers"
    assert title["element"]["max_length"] == 200
    assert by_id(view, ids.NEW_GOAL_OWNER)["element"]["initial_user"] == "U0DANA"
    unit = by_id(view, ids.NEW_GOAL_UNIT)["element"]
    assert unit["type"] == "static_select"
    assert unit["initial_option"]["value"] == "emea"
    assert by_id(view, ids.NEW_GOAL_PERIOD)["element"]["initial_value"] == "2027-Q1"
    assert by_id(view, ids.NEW_GOAL_CSF)["element"]["options"][0]["value"] == "7"
    direction = by_id(view, ids.NEW_GOAL_DIRECTION)["element"]
    assert direction["initial_option"]["value"] == "increase"
    assert by_id(view, ids.NEW_GOAL_DESCRIPTION)["element"]["max_length"] == 3000
    assert "How will we know? Add a metric with baseline, target and a due date." in dump(view)


def test_new_goal_modal_without_csfs_has_no_csf_input() -> None:
    view = modal()
    assert_view(view)
    assert ids.NEW_GOAL_CSF not in block_ids(view["blocks"])


def test_many_units_become_a_text_input_and_many_csfs_are_cut() -> None:
    units = [(f"unit-{n}", f"Unit {n} " + "x" * 100) for n in range(150)]
    csfs = [(n, "c" * 200) for n in range(150)]
    view = modal(units=units, default_unit="unit-3", csfs=csfs, title="t" * 300)
    assert_view(view)
    unit = by_id(view, ids.NEW_GOAL_UNIT)["element"]
    assert unit["type"] == "plain_text_input"
    assert unit["initial_value"] == "unit-3"
    assert len(by_id(view, ids.NEW_GOAL_CSF)["element"]["options"]) == 100
    assert len(by_id(view, ids.NEW_GOAL_TITLE)["element"]["initial_value"]) == 200


def test_private_metadata_too_long_is_refused() -> None:
    with pytest.raises(ValueError, match="private_metadata"):
        modal(private_metadata="x" * 3001)


def submission(**overrides: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        ids.NEW_GOAL_TITLE: text_state(" Win 20 customers "),
        ids.NEW_GOAL_OWNER: picked_state("selected_user", "U0DANA"),
        ids.NEW_GOAL_UNIT: select_state("emea"),
        ids.NEW_GOAL_PERIOD: text_state("2027-q2"),
        ids.NEW_GOAL_PARENT: text_state("g3"),
        ids.NEW_GOAL_CSF: select_state("7"),
        ids.NEW_GOAL_METRIC_NAME: text_state("New customers"),
        ids.NEW_GOAL_BASELINE: text_state("1,200"),
        ids.NEW_GOAL_TARGET: text_state("12.5k"),
        ids.NEW_GOAL_METRIC_UNIT: text_state("customers"),
        ids.NEW_GOAL_DIRECTION: select_state("decrease"),
        ids.NEW_GOAL_DUE_DATE: picked_state("selected_date", "2027-06-30"),
        ids.NEW_GOAL_DESCRIPTION: text_state("Why it matters"),
    }
    values.update(overrides)
    return values


def test_parse_new_goal() -> None:
    parsed, errors = parse_new_goal(submission())
    assert errors == {}
    assert parsed == NewGoalInput(
        title="Win 20 customers",
        owner_slack_id="U0DANA",
        unit_key="emea",
        period="2027-Q2",
        parent_number=3,
        csf_id=7,
        description="Why it matters",
        metric_name="New customers",
        metric_unit="customers",
        baseline=1200.0,
        target=12500.0,
        direction=Direction.DECREASE,
        due_date=date(2027, 6, 30),
    )
    assert parsed.to_draft() == GoalDraft(
        title="Win 20 customers",
        owner_slack_id="U0DANA",
        unit_key="emea",
        period="2027-Q2",
        parent_number=3,
        csf_id=7,
        description="Why it matters",
        metric_name="New customers",
        metric_unit="customers",
        baseline=1200.0,
        target=12500.0,
        direction=Direction.DECREASE,
        due_date=date(2027, 6, 30),
    )


def test_parse_new_goal_with_only_the_required_fields() -> None:
    values = {
        ids.NEW_GOAL_TITLE: text_state("Win"),
        ids.NEW_GOAL_OWNER: picked_state("selected_user", "U1"),
        ids.NEW_GOAL_UNIT: text_state(""),
        ids.NEW_GOAL_DIRECTION: select_state(None),
    }
    parsed, errors = parse_new_goal(values)
    assert errors == {}
    assert parsed is not None
    assert (parsed.unit_key, parsed.period, parsed.parent_number, parsed.csf_id) == (
        None,
        None,
        None,
        None,
    )
    assert (parsed.metric_name, parsed.baseline, parsed.due_date) == (None, None, None)
    assert parsed.direction is Direction.INCREASE
    typed_unit = parse_new_goal({**values, ids.NEW_GOAL_UNIT: text_state("sales")})[0]
    assert typed_unit is not None and typed_unit.unit_key == "sales"


@pytest.mark.parametrize(
    ("block_id", "state", "message"),
    [
        (ids.NEW_GOAL_TITLE, text_state("  "), "Give the goal a title: what will be achieved?"),
        (ids.NEW_GOAL_OWNER, picked_state("selected_user", None), "Choose who owns this goal."),
        (
            ids.NEW_GOAL_BASELINE,
            text_state("abc"),
            "`abc` is not a number: write it like 42 or 12.5.",
        ),
        (
            ids.NEW_GOAL_TARGET,
            text_state("lots"),
            "`lots` is not a number: write it like 42 or 12.5.",
        ),
        (ids.NEW_GOAL_PARENT, text_state("X"), "`X` is not a goal id like G-3."),
        (
            ids.NEW_GOAL_PERIOD,
            text_state("Q5"),
            "'Q5' is not a period: use a quarter like 2027-Q1 or a year like FY2027",
        ),
        (ids.NEW_GOAL_DUE_DATE, picked_state("selected_date", "soon"), "`soon` is not a date."),
    ],
)
def test_parse_new_goal_errors(block_id: str, state: dict[str, Any], message: str) -> None:
    parsed, errors = parse_new_goal(submission(**{block_id: state}))
    assert parsed is None
    assert errors == {block_id: message}


def test_parse_new_goal_reports_every_error_at_once() -> None:
    parsed, errors = parse_new_goal(
        submission(**{ids.NEW_GOAL_BASELINE: text_state("a"), ids.NEW_GOAL_TARGET: text_state("b")})
    )
    assert parsed is None
    assert set(errors) == {ids.NEW_GOAL_BASELINE, ids.NEW_GOAL_TARGET}


def test_an_error_repeats_a_long_value_only_in_part() -> None:
    _, errors = parse_new_goal(submission(**{ids.NEW_GOAL_BASELINE: text_state("`" + "z" * 100)}))
    assert errors[ids.NEW_GOAL_BASELINE].startswith("`'zzz")
    assert len(errors[ids.NEW_GOAL_BASELINE]) < 100


@pytest.mark.parametrize(
    ("field", "block_id"),
    [
        ("title", ids.NEW_GOAL_TITLE),
        ("owner", ids.NEW_GOAL_OWNER),
        ("unit", ids.NEW_GOAL_UNIT),
        ("period", ids.NEW_GOAL_PERIOD),
        ("parent", ids.NEW_GOAL_PARENT),
        ("csf", ids.NEW_GOAL_CSF),
        ("baseline", ids.NEW_GOAL_BASELINE),
        ("target", ids.NEW_GOAL_TARGET),
        ("due_date", ids.NEW_GOAL_DUE_DATE),
        ("metric_name", ids.NEW_GOAL_METRIC_NAME),
        ("metric_unit", ids.NEW_GOAL_METRIC_UNIT),
        ("description", ids.NEW_GOAL_DESCRIPTION),
        ("weight", ids.NEW_GOAL_TITLE),
        (None, ids.NEW_GOAL_TITLE),
    ],
)
def test_field_for_maps_service_fields_to_blocks(field: str | None, block_id: str) -> None:
    assert field_for(field) == block_id

"""The ids module agrees with what the builders emit: every dispatched action id and view
callback id is one a listener can be registered for, and every listed id is used."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest

from bot.blocks import checkin, home, ids, new_goal, settings
from tests.bot.blocks_support import many, workspace

ID_NAMES = [name for name in dir(ids) if name.isupper() and isinstance(getattr(ids, name), str)]


def dispatched(blocks: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    """Action ids Slack sends block_actions for: actions blocks and section accessories."""
    for block in blocks:
        found = list(block.get("elements", [])) if block.get("type") == "actions" else []
        if "accessory" in block:
            found.append(block["accessory"])
        yield from (element["action_id"] for element in found)


def all_blocks() -> list[Sequence[Mapping[str, Any]]]:
    """The blocks of every message and view that holds interactive elements."""
    goals = many(30)
    messages = [
        checkin.checkin_message(owner_name="Dana", goals=goals, delivery_id=1),
        checkin.checkin_answered_message(owner_name="D", recorded=[], delivery_id=1, undo=True),
        checkin.checkin_away_message(owner_name="Dana", delivery_id=1),
        checkin.pick_goal_message(value_text="42", goals=goals, reply_key="k"),
    ]
    return [*(message.blocks for message in messages), *(view["blocks"] for view in views())]


def views() -> list[dict[str, Any]]:
    """Every view."""
    return [
        new_goal.new_goal_modal(units=[], default_unit=None, period="2027-Q1", owner_slack_id="U1"),
        settings.settings_modal(workspace()),
        home.home_view(my_goals=many(3), pending_checkin=True, led_units=[("Sales", many(3))]),
        checkin.checkin_update_modal(goals=many(3), delivery_id=1),
    ]


def test_every_dispatched_action_id_has_a_listener_id_and_every_listener_id_is_used() -> None:
    actions = {action for blocks in all_blocks() for action in dispatched(blocks)}
    assert {ids.base_action_id(action) for action in actions} == set(ids.ALL_ACTION_IDS)


def test_every_modal_callback_id_is_listed_and_every_listed_one_is_used() -> None:
    callbacks = {view["callback_id"] for view in views() if view["type"] == "modal"}
    assert callbacks == set(ids.ALL_VIEW_CALLBACK_IDS)


def test_input_elements_never_dispatch_actions() -> None:
    for view in views():
        for block in view["blocks"]:
            if block["type"] == "input":
                assert block["element"]["action_id"] == ids.INPUT
                assert not block.get("dispatch_action")


def test_ids_are_unique_and_fit_slack() -> None:
    listed = [*ids.ALL_ACTION_IDS, *ids.ALL_VIEW_CALLBACK_IDS]
    assert len(listed) == len(set(listed))
    block_ids = [
        getattr(ids, name) for name in ID_NAMES if name.startswith(("NEW_GOAL_", "SETTINGS_"))
    ]
    assert len(block_ids) == len(set(block_ids))
    assert all(len(getattr(ids, name)) <= 255 for name in ID_NAMES)


def test_pick_goal_action_ids_match_the_pattern() -> None:
    assert ids.PICK_GOAL_PATTERN.match(ids.PICK_GOAL)
    assert ids.PICK_GOAL_PATTERN.match(ids.suffixed(ids.PICK_GOAL, 12))
    assert not ids.PICK_GOAL_PATTERN.match(ids.CHECKIN_UNDO)
    assert ids.base_action_id("typed_pick_goal:12") == ids.PICK_GOAL
    assert ids.base_action_id(ids.CHECKIN_UNDO) == ids.CHECKIN_UNDO


@pytest.mark.parametrize("field", ids.CHECKIN_FIELDS)
def test_goal_block_ids_round_trip(field: str) -> None:
    assert ids.parse_goal_block_id(ids.goal_block_id(field, 12)) == (field, 12)


@pytest.mark.parametrize("block_id", ["value", "value:", "value:x", "other:12", ids.NEW_GOAL_TITLE])
def test_other_block_ids_are_not_goal_block_ids(block_id: str) -> None:
    assert ids.parse_goal_block_id(block_id) is None

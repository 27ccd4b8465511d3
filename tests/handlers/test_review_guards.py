"""Guards of the review's surfaces: the ids its builders emit, its listeners, the manifest."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest

from bot.blocks import ids
from bot.blocks.review import review_message
from bot.blocks.review_closeout import closeout_message
from bot.blocks.review_modal import rating_modal
from bot.domain.review import (
    CloseoutGoal,
    CloseoutView,
    Diagnosis,
    DiagnosisKind,
    GoalCounts,
    GoalLine,
    Rhythm,
    Scorecard,
)
from handlers.actions.review import REVIEW_ACTIONS
from handlers.events import EVENTS
from handlers.events.review import REVIEW_EVENTS
from handlers.views.review import REVIEW_VIEWS
from storage.models import GoalStatus
from tests.handlers.harness import Running
from tests.handlers.test_manifest import load_manifest

MANIFEST = load_manifest()


def _scorecard() -> Scorecard:
    line = GoalLine(3, "Close deals", "UREP", "active", 0.5, "at_risk")
    return Scorecard(
        "sales",
        "Sales",
        "2027-Q1",
        "2027-03-31T09:00:00Z",
        0.5,
        1.0,
        GoalCounts(open=1),
        Rhythm(8, 2, 1),
        Diagnosis(DiagnosisKind.STRATEGY, "Strategy problem."),
        goals=(line,),
    )


def _closeout() -> CloseoutView:
    goals = (
        CloseoutGoal(3, "Close deals", GoalStatus.ACTIVE, 0.5),
        CloseoutGoal(4, "Hire", GoalStatus.CARRIED_OVER, None, 9, "2027-Q2"),
    )
    return CloseoutView(1, "Sales", "2027-Q1", "Rob", "C1", goals)


def _dispatched(blocks: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    for block in blocks:
        found = list(block.get("elements", [])) if block.get("type") == "actions" else []
        if "accessory" in block:
            found.append(block["accessory"])
        yield from (element["action_id"] for element in found)


def test_every_review_action_a_builder_emits_has_a_listener_and_back() -> None:
    messages = [review_message(_scorecard(), review_id=1), closeout_message(_closeout())]
    emitted = {action for message in messages for action in _dispatched(message.blocks)}
    assert emitted == set(ids.ALL_REVIEW_ACTION_IDS) == set(REVIEW_ACTIONS)
    assert not emitted & set(ids.ALL_ACTION_IDS)  # no clash with the other listeners


def test_the_rating_modal_is_listened_for_and_its_inputs_never_dispatch() -> None:
    modal = rating_modal(review_id=1, unit_name="Sales", period="2027-Q1")
    assert {modal["callback_id"]} == set(ids.ALL_REVIEW_VIEW_CALLBACK_IDS) == set(REVIEW_VIEWS)
    for block in modal["blocks"]:
        if block["type"] == "input":
            assert block["element"]["action_id"] == ids.INPUT
            assert not block.get("dispatch_action")


def test_thread_reply_events_and_their_scopes_are_in_the_manifest() -> None:
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert set(REVIEW_EVENTS) <= set(EVENTS) and set(REVIEW_EVENTS) <= events
    assert {"channels:history", "groups:history"} <= scopes
    assert "chat:write.public" not in scopes  # the bot must be in the channel to hear replies


@pytest.mark.parametrize("action_id", REVIEW_ACTIONS)
@pytest.mark.parametrize("value", ["0", "x", "1:99"])
def test_the_running_app_answers_every_review_button_even_stale_ones(
    run: Running, action_id: str, value: str
) -> None:
    answer = run.driver.send_action("UREP", {"action_id": action_id, "value": value})
    assert answer.status == 200

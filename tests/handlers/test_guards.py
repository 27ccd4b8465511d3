"""Guards: the manifest, the listeners and the builders' ids all agree."""

from __future__ import annotations

import pytest

from bot.blocks import ids
from handlers.actions import ACTIONS
from handlers.commands import COMMANDS
from handlers.events import EVENTS
from handlers.views import VIEWS
from tests.handlers.harness import Running
from tests.handlers.test_manifest import load_manifest

MANIFEST = load_manifest()
MANIFEST_COMMANDS = {command["command"] for command in MANIFEST["features"]["slash_commands"]}
MANIFEST_EVENTS = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])


def test_every_manifest_command_has_a_listener_and_back() -> None:
    assert set(COMMANDS) == MANIFEST_COMMANDS


def test_every_manifest_event_has_a_listener_and_back() -> None:
    assert set(EVENTS) == MANIFEST_EVENTS


def test_every_action_and_view_a_builder_emits_has_a_listener() -> None:
    assert set(ACTIONS) == set(ids.ALL_ACTION_IDS)
    assert set(VIEWS) == set(ids.ALL_VIEW_CALLBACK_IDS)


EVENT_SAMPLES = {
    "app_home_opened": {"type": "app_home_opened", "user": "UREP", "tab": "home"},
    "message.im": {
        "type": "message",
        "channel_type": "im",
        "channel": "D1",
        "user": "UREP",
        "text": "hi",
        "ts": "1.0",
    },
    "user_change": {"type": "user_change", "user": {"id": "UREP", "tz": "Europe/Berlin"}},
    "team_join": {"type": "team_join", "user": {"id": "UNEW1", "real_name": "New Person"}},
    "message.channels": {
        "type": "message",
        "channel_type": "channel",
        "channel": "C1",
        "user": "UREP",
        "text": "a reply",
        "ts": "2.0",
        "thread_ts": "1.0",
    },
    "message.groups": {
        "type": "message",
        "channel_type": "group",
        "channel": "G1",
        "user": "UREP",
        "text": "hi all",
        "ts": "3.0",
    },
}


@pytest.mark.parametrize("name", sorted(MANIFEST_EVENTS))
def test_the_running_app_handles_every_manifest_event(run: Running, name: str) -> None:
    # Bolt answers 404 for an event no listener matches.
    assert run.driver.event(EVENT_SAMPLES[name]).status == 200


def test_an_event_without_a_listener_is_not_handled(run: Running) -> None:
    assert run.driver.event({"type": "reaction_added", "user": "UREP"}).status == 404


@pytest.mark.parametrize("action_id", ACTIONS)
def test_the_running_app_handles_every_action(run: Running, action_id: str) -> None:
    payload_action = {"action_id": f"{action_id}:1" if action_id == ids.PICK_GOAL else action_id}
    answer = run.driver.send_action("UREP", {**payload_action, "value": "0", "type": "button"})
    assert answer.status == 200

"""views.*: modals on a trigger_id that expires, the push stack, updates, App Home."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk import WebClient

from devkit.standin import SlackStandin
from tests.devkit.helpers import error_of, slack_error

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}


def modal(title: str = "Check-in", **extra: Any) -> dict[str, Any]:
    """A minimal valid modal."""
    title_text = {"type": "plain_text", "text": title}
    return {"type": "modal", "title": title_text, "blocks": [SECTION], **extra}


def home(text: str = "Your goals") -> dict[str, Any]:
    """A minimal App Home."""
    return {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    }


def test_views_open_shows_a_modal_to_the_triggering_user(
    client: WebClient, standin: SlackStandin, alice: str
) -> None:
    trigger = standin.issue_trigger_id(alice)
    view = client.views_open(trigger_id=trigger, view=modal(callback_id="checkin"))["view"]
    assert view["id"].startswith("V")
    assert view["callback_id"] == "checkin"
    assert view["root_view_id"] == view["id"]
    assert [v["id"] for v in standin.open_views(alice)] == [view["id"]]


def test_trigger_ids_expire_after_three_seconds(
    client: WebClient, standin: SlackStandin, alice: str
) -> None:
    trigger = standin.issue_trigger_id(alice)
    standin.advance(3.1)
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=modal())) == (
        "expired_trigger_id"
    )
    fresh = standin.issue_trigger_id(alice)
    standin.advance(2.9)
    assert client.views_open(trigger_id=fresh, view=modal())["ok"]


def test_trigger_ids_are_single_use_and_must_exist(
    client: WebClient, standin: SlackStandin, alice: str
) -> None:
    trigger = standin.issue_trigger_id(alice)
    client.views_open(trigger_id=trigger, view=modal())
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=modal())) == (
        "exchanged_trigger_id"
    )
    assert error_of(lambda: client.views_open(trigger_id="1.2.3", view=modal())) == (
        "invalid_trigger_id"
    )


def test_views_open_without_trigger_id_is_invalid_arguments(client: WebClient) -> None:
    error = slack_error(lambda: client.api_call("views.open", json={"view": json.dumps(modal())}))
    assert error.response["error"] == "invalid_arguments"
    assert "trigger_id" in error.response["response_metadata"]["messages"][0]


def test_views_push_stacks_up_to_three(
    client: WebClient, standin: SlackStandin, alice: str
) -> None:
    root = client.views_open(trigger_id=standin.issue_trigger_id(alice), view=modal())["view"]
    second = client.views_push(trigger_id=standin.issue_trigger_id(alice), view=modal("Two"))
    assert second["view"]["root_view_id"] == root["id"]
    assert second["view"]["previous_view_id"] == root["id"]
    client.views_push(trigger_id=standin.issue_trigger_id(alice), view=modal("Three"))
    assert [v["title"]["text"] for v in standin.open_views(alice)] == ["Check-in", "Two", "Three"]
    fourth = lambda: client.views_push(trigger_id=standin.issue_trigger_id(alice), view=modal())  # noqa: E731
    assert error_of(fourth) == "push_limit_reached"


def test_views_update_by_id_or_external_id_with_hash(
    client: WebClient, standin: SlackStandin, alice: str
) -> None:
    trigger = standin.issue_trigger_id(alice)
    view = client.views_open(trigger_id=trigger, view=modal(external_id="goal-7"))["view"]
    updated = client.views_update(view_id=view["id"], hash=view["hash"], view=modal("Saved"))
    assert updated["view"]["id"] == view["id"]
    assert updated["view"]["hash"] != view["hash"]
    stale = lambda: client.views_update(view_id=view["id"], hash=view["hash"], view=modal())  # noqa: E731
    assert error_of(stale) == "hash_conflict"
    by_external = client.views_update(
        external_id="goal-7", view=modal("Again", external_id="goal-7")
    )
    assert by_external["view"]["title"]["text"] == "Again"
    assert standin.open_views(alice)[0]["title"]["text"] == "Again"
    assert error_of(lambda: client.views_update(view_id="V404", view=modal())) == "not_found"


def test_closed_views_are_gone(client: WebClient, standin: SlackStandin, alice: str) -> None:
    view = client.views_open(trigger_id=standin.issue_trigger_id(alice), view=modal())["view"]
    standin.close_views(alice)
    assert standin.open_views(alice) == []
    assert error_of(lambda: client.views_update(view_id=view["id"], view=modal())) == "not_found"


def test_views_publish_sets_each_users_home(
    client: WebClient, standin: SlackStandin, alice: str, bob: str
) -> None:
    first = client.views_publish(user_id=alice, view=home("v1"))["view"]
    second = client.views_publish(user_id=alice, view=home("v2"), hash=first["hash"])["view"]
    assert second["id"] == first["id"]
    shown = standin.home_view(alice)
    assert shown is not None and shown["blocks"][0]["text"]["text"] == "v2"
    assert standin.home_view(bob) is None
    stale = lambda: client.views_publish(user_id=alice, view=home(), hash=first["hash"])  # noqa: E731
    assert error_of(stale) == "hash_conflict"
    assert error_of(lambda: client.views_publish(user_id="U404", view=home())) == "user_not_found"


def test_more_than_100_blocks_in_a_view_is_refused(
    client: WebClient, standin: SlackStandin, alice: str
) -> None:
    too_many = {"type": "home", "blocks": [SECTION] * 101}
    error = slack_error(lambda: client.views_publish(user_id=alice, view=too_many))
    assert error.response["error"] == "invalid_arguments"
    assert error.response["response_metadata"]["messages"] == [
        "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]"
    ]
    assert client.views_publish(user_id=alice, view={"type": "home", "blocks": [SECTION] * 100})


@pytest.mark.parametrize(
    "bad",
    [
        modal("t" * 25),  # titles are at most 24 characters
        modal(private_metadata="x" * 3001),
        {**modal(), "blocks": [{"type": "section"}]},
        {**modal(), "blocks": [{"type": "no_such_block"}]},
        {"type": "modal", "blocks": [SECTION]},  # no title
        home(),  # views.open takes modals only
    ],
)
def test_views_slack_sdk_models_reject_are_refused(
    client: WebClient, standin: SlackStandin, alice: str, bad: dict[str, Any]
) -> None:
    trigger = standin.issue_trigger_id(alice)
    error = slack_error(lambda: client.views_open(trigger_id=trigger, view=bad))
    assert error.response["error"] == "invalid_arguments"
    assert error.response["response_metadata"]["messages"][0].startswith("[ERROR] ")


def test_a_view_over_250kb_is_view_too_large(client: WebClient, alice: str) -> None:
    huge = home() | {"private_metadata": "x" * 260_000}
    assert error_of(lambda: client.views_publish(user_id=alice, view=huge)) == "view_too_large"

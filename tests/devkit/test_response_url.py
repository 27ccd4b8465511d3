"""response_url: ephemeral and in-channel replies, replacing and deleting the original."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from devkit.standin import SlackStandin


def post_json(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST JSON to a URL; the status and decoded answer, errors included."""
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_default_reply_is_ephemeral_to_the_user(
    standin: SlackStandin, general: str, alice: str
) -> None:
    url = standin.new_response_url(general, alice)
    assert url.startswith(standin.url)
    answer = WebhookClient(url).send(text="Saved your check-in")
    assert answer.status_code == 200
    assert [e["text"] for e in standin.ephemerals(general, alice)] == ["Saved your check-in"]
    assert standin.messages(general) == []


def test_in_channel_reply_posts_a_message(standin: SlackStandin, general: str, alice: str) -> None:
    url = standin.new_response_url(general, alice)
    status, _ = post_json(url, {"text": "Q1 digest", "response_type": "in_channel"})
    assert status == 200
    posted = standin.messages(general)
    assert [(m["text"], m["user"]) for m in posted] == [("Q1 digest", standin.bot_user_id)]


def test_replace_and_delete_original(
    client: WebClient, standin: SlackStandin, general: str, alice: str
) -> None:
    ts = client.chat_postMessage(channel=general, text="Pick a status")["ts"]
    url = standin.new_response_url(general, alice, message_ts=ts)
    post_json(url, {"text": "Status: on track", "replace_original": True})
    assert [m["text"] for m in standin.messages(general)] == ["Status: on track"]
    post_json(url, {"delete_original": True})
    assert standin.messages(general) == []


def test_replace_an_ephemeral_original(
    client: WebClient, standin: SlackStandin, general: str, alice: str
) -> None:
    ts = client.chat_postEphemeral(channel=general, user=alice, text="Choose")["message_ts"]
    url = standin.new_response_url(general, alice, message_ts=ts)
    post_json(url, {"text": "Chosen", "replace_original": True})
    assert [e["text"] for e in standin.ephemerals(general, alice)] == ["Chosen"]


@pytest.mark.parametrize(
    ("body", "error"),
    [({}, "no_text"), ({"text": "t", "blocks": [{"type": "nope"}]}, "invalid_blocks")],
)
def test_bad_payloads_are_refused(
    standin: SlackStandin, general: str, alice: str, body: dict[str, Any], error: str
) -> None:
    status, answer = post_json(standin.new_response_url(general, alice), body)
    assert (status, answer["error"]) == (400, error)


def test_a_response_url_works_five_times_within_30_minutes(
    standin: SlackStandin, general: str, alice: str
) -> None:
    url = standin.new_response_url(general, alice)
    for n in range(5):
        assert post_json(url, {"text": str(n)})[0] == 200
    assert post_json(url, {"text": "sixth"}) == (404, {"ok": False, "error": "used_url"})
    late = standin.new_response_url(general, alice)
    standin.advance(31 * 60)
    assert post_json(late, {"text": "late"}) == (404, {"ok": False, "error": "expired_url"})

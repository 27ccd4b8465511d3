"""chat.*: DMs by user id, threads, edits, deletes, ephemerals, permalinks and rejections."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest
from slack_sdk import WebClient

from devkit.standin import SlackStandin
from tests.devkit.helpers import error_of, slack_error

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}


def test_posting_to_a_user_id_lands_in_the_bots_dm(
    client: WebClient, standin: SlackStandin, alice: str
) -> None:
    answer = client.chat_postMessage(channel=alice, text="Time for your check-in")
    assert answer["channel"] == standin.dm_channel(alice)
    assert answer["channel"].startswith("D")
    assert answer["message"]["user"] == standin.bot_user_id
    assert [m["text"] for m in standin.dm_messages(alice)] == ["Time for your check-in"]
    again = client.chat_postMessage(channel=answer["channel"], text="second")
    assert again["channel"] == answer["channel"]


def test_ts_values_are_unique_and_increasing(client: WebClient, general: str) -> None:
    stamps = [client.chat_postMessage(channel=general, text=str(n))["ts"] for n in range(5)]
    assert stamps == sorted(stamps, key=float)
    assert len(set(stamps)) == 5
    assert all(len(ts.split(".")[1]) == 6 for ts in stamps)


def test_threads_count_replies_on_the_parent(
    client: WebClient, standin: SlackStandin, general: str
) -> None:
    parent = client.chat_postMessage(channel=general, text="Q1 goals")["ts"]
    client.chat_postMessage(channel=general, text="first", thread_ts=parent)
    reply = client.chat_postMessage(channel=general, text="second", thread_ts=parent)
    assert reply["message"]["thread_ts"] == parent
    thread = client.conversations_replies(channel=general, ts=parent)["messages"]
    assert [m["text"] for m in thread] == ["Q1 goals", "first", "second"]
    assert thread[0]["reply_count"] == 2
    assert thread[0]["latest_reply"] == reply["ts"]
    assert [m["text"] for m in standin.messages(general)] == ["Q1 goals"]
    assert [m["text"] for m in standin.thread(general, parent)] == ["Q1 goals", "first", "second"]


def test_replying_to_a_reply_joins_the_parents_thread(client: WebClient, general: str) -> None:
    parent = client.chat_postMessage(channel=general, text="p")["ts"]
    reply = client.chat_postMessage(channel=general, text="r", thread_ts=parent)["ts"]
    nested = client.chat_postMessage(channel=general, text="n", thread_ts=reply)
    assert nested["message"]["thread_ts"] == parent


def test_unknown_thread_ts_is_invalid_thread_ts(client: WebClient, general: str) -> None:
    call = lambda: client.chat_postMessage(channel=general, text="x", thread_ts="1.000001")  # noqa: E731
    assert error_of(call) == "invalid_thread_ts"


def test_chat_update_edits_text_and_keeps_blocks(
    client: WebClient, standin: SlackStandin, general: str
) -> None:
    ts = client.chat_postMessage(channel=general, text="draft", blocks=[SECTION])["ts"]
    answer = client.chat_update(channel=general, ts=ts, text="final")
    assert answer["message"]["text"] == "final"
    stored = standin.messages(general)[0]
    assert stored["text"] == "final"
    assert stored["blocks"] == [SECTION]
    assert stored["edited"]["user"] == standin.bot_user_id


def test_chat_update_of_an_unknown_ts_is_message_not_found(client: WebClient, general: str) -> None:
    call = lambda: client.chat_update(channel=general, ts="1700000000.000100", text="x")  # noqa: E731
    assert error_of(call) == "message_not_found"


def test_chat_delete_removes_the_message(
    client: WebClient, standin: SlackStandin, general: str
) -> None:
    ts = client.chat_postMessage(channel=general, text="oops")["ts"]
    assert client.chat_delete(channel=general, ts=ts)["ts"] == ts
    assert standin.messages(general) == []
    assert error_of(lambda: client.chat_delete(channel=general, ts=ts)) == "message_not_found"


def test_ephemeral_messages_stay_out_of_history(
    client: WebClient, standin: SlackStandin, general: str, alice: str
) -> None:
    answer = client.chat_postEphemeral(channel=general, user=alice, text="only you")
    assert answer["message_ts"]
    assert standin.messages(general) == []
    assert client.conversations_history(channel=general)["messages"] == []
    shown = standin.ephemerals(channel=general, user=alice)
    assert [(e["user"], e["text"]) for e in shown] == [(alice, "only you")]
    assert standin.ephemerals(user="U_NOBODY") == []


def test_ephemeral_to_someone_outside_the_channel_is_refused(
    client: WebClient, standin: SlackStandin, general: str
) -> None:
    outsider = standin.add_user("carol")
    call = lambda: client.chat_postEphemeral(channel=general, user=outsider, text="x")  # noqa: E731
    assert error_of(call) == "user_not_in_channel"


def test_permalink_is_served_by_the_standin(client: WebClient, general: str) -> None:
    ts = client.chat_postMessage(channel=general, text="link me")["ts"]
    link = client.chat_getPermalink(channel=general, message_ts=ts)["permalink"]
    with urllib.request.urlopen(link, timeout=5) as response:
        assert b"link me" in response.read()
    missing = lambda: client.chat_getPermalink(channel=general, message_ts="1.000002")  # noqa: E731
    assert error_of(missing) == "message_not_found"


def test_metadata_is_stored_and_returned_with_include_all_metadata(
    client: WebClient, general: str
) -> None:
    metadata = {"event_type": "checkin_sent", "event_payload": {"goal_id": 7}}
    client.chat_postMessage(channel=general, text="check-in", metadata=metadata)
    plain = client.conversations_history(channel=general)["messages"][0]
    assert "metadata" not in plain
    full = client.conversations_history(channel=general, include_all_metadata=True)["messages"]
    assert full[0]["metadata"] == metadata


def test_history_is_newest_first_within_oldest_and_latest(
    client: WebClient, standin: SlackStandin, general: str
) -> None:
    stamps = []
    for n in range(4):
        stamps.append(client.chat_postMessage(channel=general, text=f"m{n}")["ts"])
        standin.advance(10)
    page = client.conversations_history(channel=general, oldest=stamps[0], latest=stamps[3])
    assert [m["text"] for m in page["messages"]] == ["m2", "m1"]
    inclusive = client.conversations_history(
        channel=general, oldest=stamps[0], latest=stamps[3], inclusive=True
    )
    assert [m["text"] for m in inclusive["messages"]] == ["m3", "m2", "m1", "m0"]
    limited = client.conversations_history(channel=general, limit=2)
    assert [m["text"] for m in limited["messages"]] == ["m3", "m2"]
    assert limited["has_more"] is True
    rest = client.conversations_history(
        channel=general, limit=2, cursor=limited["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in rest["messages"]] == ["m1", "m0"]


def test_history_gives_non_marketplace_apps_at_most_15_messages(
    client: WebClient, general: str
) -> None:
    for n in range(20):
        client.chat_postMessage(channel=general, text=str(n))
    page = client.conversations_history(channel=general, limit=100)
    assert len(page["messages"]) == 15
    assert page["has_more"] is True


def test_posting_where_slack_would_refuse(
    client: WebClient, standin: SlackStandin, alice: str
) -> None:
    elsewhere = standin.add_channel("elsewhere", members=[alice], bot_member=False)
    secret = standin.add_channel("secret", members=[alice], is_private=True, bot_member=False)
    archived = standin.add_channel("old", archived=True)
    assert (
        error_of(lambda: client.chat_postMessage(channel="C404", text="x")) == "channel_not_found"
    )
    assert (
        error_of(lambda: client.chat_postMessage(channel=elsewhere, text="x")) == "not_in_channel"
    )
    assert (
        error_of(lambda: client.chat_postMessage(channel=secret, text="x")) == "channel_not_found"
    )
    assert error_of(lambda: client.chat_postMessage(channel=archived, text="x")) == "is_archived"
    assert (
        error_of(lambda: client.chat_postMessage(channel="U404", text="x")) == "channel_not_found"
    )
    assert error_of(lambda: client.api_call("chat.postMessage", json={"text": "x"})) == (
        "channel_not_found"
    )


def test_content_slack_rejects(client: WebClient, general: str) -> None:
    no_text = lambda: client.api_call("chat.postMessage", json={"channel": general})  # noqa: E731
    assert error_of(no_text) == "no_text"
    too_long = "x" * 40_001
    assert error_of(lambda: client.chat_postMessage(channel=general, text=too_long)) == (
        "msg_too_long"
    )
    assert client.chat_postMessage(channel=general, text="x" * 40_000)["ok"]


def test_more_than_50_blocks_is_invalid_blocks(client: WebClient, general: str) -> None:
    blocks = [SECTION] * 51
    error = slack_error(lambda: client.chat_postMessage(channel=general, text="t", blocks=blocks))
    assert error.response["error"] == "invalid_blocks"
    assert error.response["errors"] == ["no more than 50 items allowed [json-pointer:/blocks]"]
    assert client.chat_postMessage(channel=general, text="t", blocks=[SECTION] * 50)["ok"]


LONG_SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
LONG_BUTTON = {
    "type": "actions",
    "elements": [
        {"type": "button", "text": {"type": "plain_text", "text": "b" * 76}, "action_id": "a"}
    ],
}


@pytest.mark.parametrize(
    "bad", [LONG_SECTION, LONG_BUTTON, {"type": "no_such_block"}, {"text": "no type"}]
)
def test_blocks_slack_sdk_models_reject_are_invalid_blocks(
    client: WebClient, general: str, bad: dict[str, Any]
) -> None:
    post = lambda: client.chat_postMessage(channel=general, text="t", blocks=[bad])  # noqa: E731
    assert error_of(post) == "invalid_blocks"
    ts = client.chat_postMessage(channel=general, text="fine")["ts"]
    update = lambda: client.chat_update(channel=general, ts=ts, text="t", blocks=[bad])  # noqa: E731
    assert error_of(update) == "invalid_blocks"

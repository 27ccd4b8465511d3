"""The Slack poster against the local Slack stand-in: one call per post, lookups by metadata."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.delivery.slack import SlackPoster, _retry_after
from bot.delivery.tags import dm_tag
from bot.delivery.types import (
    DeliveryUncertain,
    OutgoingMessage,
    PostRejected,
    RateLimited,
    Upload,
)
from devkit.standin import SlackStandin, StandinClock

START = datetime(2027, 1, 7, 10, 0, tzinfo=UTC)
BEFORE = START - timedelta(minutes=5)


@pytest.fixture
def standin() -> Iterator[SlackStandin]:
    """A running stand-in on a frozen clock."""
    with SlackStandin(clock=StandinClock(START, speed=0)) as running:
        yield running


@pytest.fixture
def owner(standin: SlackStandin) -> str:
    """A member to check in with."""
    return standin.add_user("olive")


def _poster(standin: SlackStandin, *handlers: object) -> SlackPoster:
    client = standin.client()
    client.retry_handlers = list(handlers)  # type: ignore[arg-type]
    return SlackPoster(client)


def _message(user_id: str, delivery_id: int) -> OutgoingMessage:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "How is it going?"}}]
    return OutgoingMessage(user_id, "How is it going?", blocks, dm_tag(delivery_id).metadata())


def test_a_check_in_is_one_post_to_the_user_id_tagged_with_its_delivery(
    standin: SlackStandin, owner: str
) -> None:
    result = _poster(standin).post(_message(owner, 42))
    assert result.channel == standin.dm_channel(owner)
    (posted,) = standin.dm_messages(owner)
    assert (posted["ts"], posted["text"]) == (result.ts, "How is it going?")
    assert posted["metadata"] == {
        "event_type": "goalbot_checkin",
        "event_payload": {"delivery_id": 42},
    }
    assert [call.method for call in standin.calls()] == ["chat.postMessage"]


def test_an_earlier_post_is_found_by_its_delivery_id(standin: SlackStandin, owner: str) -> None:
    poster = _poster(standin)
    posted = poster.post(_message(owner, 7))
    poster.post(_message(owner, 8))
    found = poster.find_posted(tag=dm_tag(7), user_id=owner, channel=posted.channel, since=BEFORE)
    assert found == posted
    assert poster.find_posted(tag=dm_tag(9), user_id=owner, channel=None, since=BEFORE) is None
    assert [call.method for call in standin.calls()][-3:] == [
        "conversations.history",
        "conversations.open",
        "conversations.history",
    ]


def test_the_lookup_pages_through_a_busy_dm(standin: SlackStandin, owner: str) -> None:
    poster = _poster(standin)
    wanted = poster.post(_message(owner, 1))
    for n in range(2, 40):
        standin.advance(1)
        poster.post(_message(owner, n))
    assert poster.find_posted(tag=dm_tag(1), user_id=owner, channel=None, since=BEFORE) == wanted
    assert len(standin.calls("conversations.history")) == 3  # 15 a page outside the Marketplace


def test_messages_before_since_are_not_looked_at(standin: SlackStandin, owner: str) -> None:
    poster = _poster(standin)
    poster.post(_message(owner, 5))
    later = START + timedelta(minutes=1)
    assert poster.find_posted(tag=dm_tag(5), user_id=owner, channel=None, since=later) is None


def test_a_429_is_rate_limited_with_retry_after(standin: SlackStandin, owner: str) -> None:
    standin.inject("chat.postMessage", "429")
    with pytest.raises(RateLimited) as caught:
        _poster(standin).post(_message(owner, 1))
    assert caught.value.retry_after == 1
    assert standin.dm_messages(owner) == []


@pytest.mark.parametrize("fault", ["500", "503", "drop"])
def test_server_errors_and_dropped_links_are_unsure_and_not_retried(
    standin: SlackStandin, owner: str, fault: str
) -> None:
    standin.inject("chat.postMessage", fault)
    poster = _poster(standin, ServerErrorRetryHandler(), ConnectionErrorRetryHandler())
    with pytest.raises(DeliveryUncertain):
        poster.post(_message(owner, 1))
    assert len(standin.calls("chat.postMessage")) == 1


def test_an_unknown_user_is_a_permanent_rejection(standin: SlackStandin) -> None:
    with pytest.raises(PostRejected) as caught:
        _poster(standin).post(_message("U0NOBODY", 1))
    assert (caught.value.error, caught.value.retryable) == ("channel_not_found", False)


def test_a_rate_limited_lookup_holds_further_lookups_until_retry_after(
    standin: SlackStandin, owner: str
) -> None:
    now = [100.0]
    poster = SlackPoster(standin.client(retry_handlers=[]), monotonic=lambda: now[0])
    standin.inject("conversations.history", "429")
    with pytest.raises(RateLimited):
        poster.find_posted(tag=dm_tag(1), user_id=owner, channel=None, since=BEFORE)
    with pytest.raises(RateLimited) as caught:
        poster.find_posted(tag=dm_tag(1), user_id=owner, channel=None, since=BEFORE)
    assert caught.value.retry_after == pytest.approx(1.0)
    assert len(standin.calls("conversations.history")) == 1  # the second did not call Slack
    now[0] += 1.0
    assert poster.find_posted(tag=dm_tag(1), user_id=owner, channel=None, since=BEFORE) is None


def test_posting_keeps_only_the_429_retry_handler() -> None:
    rate, server, conn = (
        RateLimitErrorRetryHandler(max_retry_count=5),
        ServerErrorRetryHandler(),
        ConnectionErrorRetryHandler(),
    )
    client = WebClient(token="xoxb-test", retry_handlers=[rate, server, conn])
    poster = SlackPoster(client)
    assert poster._post_client.retry_handlers == [rate]
    assert poster._lookup_client.retry_handlers == [server, conn]
    assert client.retry_handlers == [rate, server, conn]  # the shared client is untouched


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [({"Retry-After": "30"}, 30), ({"retry-after": ["7"]}, 7), ({}, 1), ({"Retry-After": "x"}, 1)],
)
def test_retry_after_is_read_from_the_header(headers: dict[str, object], seconds: float) -> None:
    assert _retry_after(headers) == seconds


def test_the_poster_posts_in_a_thread_and_uploads_a_file(standin: SlackStandin) -> None:
    channel = standin.add_channel("leaders")
    poster = SlackPoster(standin.client())
    metadata = {"event_type": "x", "event_payload": {}}
    ts = poster.post(OutgoingMessage(channel, "Digest", [], metadata)).ts
    poster.post(OutgoingMessage(channel, "Part 2", [], thread_ts=ts))
    poster.upload(Upload(channel, ts, b"\x89PNG...", "d.png", title="Chart", alt_text="a"))
    thread = standin.thread(channel, ts)
    assert [m["text"] for m in thread] == ["Digest", "Part 2", "Chart"]
    assert thread[2]["files"][0]["name"] == "d.png"


def test_the_poster_says_what_each_post_and_upload_failure_means(standin: SlackStandin) -> None:
    channel = standin.add_channel("leaders")
    poster = SlackPoster(standin.client())
    with pytest.raises(PostRejected) as rejected:
        poster.post(OutgoingMessage("C404", "Digest", []))
    assert (rejected.value.error, rejected.value.retryable) == ("channel_not_found", False)
    standin.inject("chat.postMessage", "500")
    with pytest.raises(DeliveryUncertain):
        poster.post(OutgoingMessage(channel, "Digest", []))
    standin.inject("chat.postMessage", "429")
    with pytest.raises(RateLimited):
        poster.post(OutgoingMessage(channel, "Digest", []))
    standin.revoke_scope("files:write")
    with pytest.raises(PostRejected) as missing:
        poster.upload(Upload(channel, "1.0", b"x", "d.png", title="t", alt_text="a"))
    assert missing.value.error == "missing_scope"
    assert poster.post(OutgoingMessage(channel, "Still posts", []))  # chat:write is still held

"""The digest's chart (a real PNG) and the Slack layer that posts digests and uploads it."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.blocks.message import Message
from bot.delivery.types import DeliveryUncertain, PostRejected, RateLimited
from bot.digest.chart import build_chart, render_png
from bot.digest.slack_poster import SlackDigestPoster
from devkit.standin import SlackStandin
from tests.bot.test_digest_content import goal

START = datetime(2027, 1, 1, tzinfo=UTC)
END = datetime(2027, 2, 15, tzinfo=UTC)


def _size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_the_chart_draws_each_goal_with_values_as_a_png() -> None:
    values = {
        1: [(datetime(2026, 12, 20, tzinfo=UTC), 10.0), (datetime(2027, 1, 20, tzinfo=UTC), 40.0)],
        2: [],  # no value recorded: left out
    }
    chart = build_chart("Top goals", START, END, {1: "G-1 Revenue", 2: "G-2 Brand"},
                        {1: goal(1), 2: goal(2)}, values)  # fmt: skip
    assert chart is not None
    assert [(s.label, s.points) for s in chart.series] == [
        ("G-1 Revenue", ((START, 0.1), (datetime(2027, 1, 20, tzinfo=UTC), 0.4)))
    ]  # the value held at the start of the period is drawn from the start
    assert chart.alt_text == "Top goals. G-1 Revenue: 40%."
    assert _size(render_png(chart)) == (800, 450)


def test_nothing_to_draw_means_no_chart() -> None:
    assert build_chart("Top goals", START, END, {1: "G-1"}, {1: goal(1)}, {}) is None


@pytest.fixture
def standin() -> Iterator[SlackStandin]:
    with SlackStandin() as running:
        yield running


def test_the_poster_posts_in_a_thread_and_uploads_the_chart(standin: SlackStandin) -> None:
    channel = standin.add_channel("leaders")
    poster = SlackDigestPoster(standin.client())
    ts = poster.post(
        channel, Message("Digest", []), metadata={"event_type": "x", "event_payload": {}}
    )
    poster.post(channel, Message("Part 2", []), thread_ts=ts)
    poster.upload_chart(channel, ts, b"\x89PNG...", filename="d.png", title="Chart", alt_text="a")
    thread = standin.thread(channel, ts)
    assert [m["text"] for m in thread] == ["Digest", "Part 2", "Chart"]
    assert thread[2]["files"][0]["name"] == "d.png"


def test_the_poster_says_what_each_failure_means(standin: SlackStandin) -> None:
    channel = standin.add_channel("leaders")
    poster = SlackDigestPoster(standin.client())
    with pytest.raises(PostRejected) as rejected:
        poster.post("C404", Message("Digest", []))
    assert (rejected.value.error, rejected.value.retryable) == ("channel_not_found", False)
    standin.inject("chat.postMessage", "500")
    with pytest.raises(DeliveryUncertain):
        poster.post(channel, Message("Digest", []))
    standin.inject("chat.postMessage", "429")
    with pytest.raises(RateLimited):
        poster.post(channel, Message("Digest", []))
    standin.revoke_scope("files:write")
    with pytest.raises(PostRejected) as missing:
        poster.upload_chart(channel, "1.0", b"x", filename="d.png", title="t", alt_text="a")
    assert missing.value.error == "missing_scope"
    assert poster.post(channel, Message("Still posts", []))  # chat:write is still held

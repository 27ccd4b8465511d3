"""A transcript of a live stand-in: what the bot posted, edited, threaded, uploaded and showed
ephemerally, and what people typed and clicked, each in its conversation and in order."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient

from devkit.standin import SlackStandin, StandinClock
from devkit.transcript import render_transcript, transcript_of

START = datetime(2027, 1, 7, 15, 0, tzinfo=UTC)
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def slack() -> Iterator[SlackStandin]:
    with SlackStandin(clock=StandinClock(START, speed=0)) as running:
        yield running


@pytest.fixture
def ada(slack: SlackStandin) -> str:
    return slack.add_user("ada", real_name="Ada Lovelace", tz="America/New_York")


def test_channels_dms_threads_edits_files_and_activity(slack: SlackStandin, ada: str) -> None:
    client: WebClient = slack.client()
    channel = slack.add_channel("leadership", members=[ada])
    checkin = client.chat_postMessage(channel=ada, text="Time for your check-in")
    slack.advance(60)
    slack.record_activity(ada, checkin["channel"], "click", "No change")
    client.chat_update(channel=checkin["channel"], ts=checkin["ts"], text="Recorded: no change")
    digest = client.chat_postMessage(channel=channel, text="Weekly digest")
    client.files_upload_v2(
        channel=channel, thread_ts=digest["ts"], content=PNG, filename="chart.png", title="Chart"
    )
    slack.post_as_user(ada, channel, "on it", thread_ts=digest["ts"])
    client.chat_postEphemeral(channel=channel, user=ada, text="Only for <@" + ada + ">")

    transcript = transcript_of(slack, title="t", channel_tz="America/New_York")

    leadership, dm = transcript.conversations
    assert (leadership.title, dm.title, dm.tz) == ("leadership", "Ada Lovelace", "America/New_York")
    assert [e.kind for e in dm.entries] == ["message", "action"]
    assert dm.entries[0].text == "Recorded: no change"
    assert [r.text for r in dm.entries[0].revisions] == ["Time for your check-in"]
    parent = leadership.entries[0]
    assert parent.text == "Weekly digest" and [r.user for r in parent.replies] == [
        slack.bot_user_id,
        ada,
    ]
    assert [e.kind for e in leadership.entries] == ["message", "ephemeral"]
    assert next(iter(transcript.files.values())).content == PNG

    page = render_transcript(transcript)
    assert page.index("Time for your check-in") < page.index("clicked <b>No change</b>")
    assert page.index("clicked <b>No change</b>") < page.index("Recorded: no change")
    assert 'src="data:image/png;base64,' in page
    assert 'Only for <span class="mention">@Ada Lovelace</span>' in page
    assert "10:01 (edited)" in page  # 15:01 UTC in New York


def test_conversations_without_anything_in_them_are_left_out(slack: SlackStandin, ada: str) -> None:
    slack.dm_channel(ada)
    slack.add_channel("quiet", members=[ada])
    transcript = transcript_of(slack, title="t")
    assert [c.title for c in transcript.conversations] == ["quiet"]


def test_the_app_home_is_included(slack: SlackStandin, ada: str) -> None:
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
    }
    slack.client().views_publish(user_id=ada, view=home)
    transcript = transcript_of(slack, title="t")
    assert [(h.user, h.blocks[0]["text"]["text"]) for h in transcript.homes] == [(ada, "Hi")]


def test_a_person_cannot_post_where_they_are_not_a_member(slack: SlackStandin, ada: str) -> None:
    channel = slack.add_channel("private-ish")
    with pytest.raises(Exception, match="not_in_channel"):
        slack.post_as_user(ada, channel, "hello")

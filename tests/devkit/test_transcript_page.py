"""The transcript page from plain values: blocks laid out like Slack, one self-contained file."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

from devkit.transcript import Conversation, Entry, Person, StoredFile, Transcript, render_transcript
from devkit.transcript.model import Home, Revision

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
BOT, ADA = "UBOT", "UADA"
PEOPLE = {
    BOT: Person(BOT, "goalbot", is_bot=True),
    ADA: Person(ADA, "Ada Lovelace", tz="Europe/London"),
}
JAN_7_10AM_LONDON = "1799316000.000100"  # 2027-01-07 10:00 UTC (London is on UTC in January)
EXTERNAL = "https://cdn.example/x.png"
TITLE = "*G-12* Close &lt;deals&gt; &amp; more"  # as Slack sends it: entities for & < >


def checkin_blocks() -> tuple[dict[str, object], ...]:
    return (
        {"type": "header", "text": {"type": "plain_text", "text": "Weekly check-in"}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "*G-12* Close &lt;deals&gt; &amp; more"},
        },
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": "*Progress*\n42%"},
                {"type": "plain_text", "text": "Health: on track"},
            ],
            "accessory": {
                "type": "image",
                "image_url": "https://cdn.example/x.png",
                "alt_text": "x",
            },
        },
        {"type": "divider"},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "No change"},
                    "style": "primary",
                },
                {"type": "button", "text": {"type": "plain_text", "text": "Update"}},
            ],
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Reply `42 on track`"}]},
        {"type": "image", "slack_file": {"id": "F1"}, "alt_text": "progress chart"},
        {"type": "mystery_block"},
    )


def transcript(*entries: Entry, homes: tuple[Home, ...] = ()) -> Transcript:
    dm = Conversation("D1", "Ada Lovelace", "dm", entries, tz="Europe/London")
    channel = Conversation("C1", "leadership", "channel", (), tz="America/New_York")
    files = {"F1": StoredFile("F1", "chart.png", "image/png", PNG)}
    return Transcript("demo", "Northwind", PEOPLE, (channel, dm), files, homes, ("3 digests",))


def test_blocks_render_like_slack() -> None:
    page = render_transcript(transcript(Entry(JAN_7_10AM_LONDON, BOT, blocks=checkin_blocks())))
    assert '<div class="b-header">Weekly check-in</div>' in page
    assert "<b>G-12</b> Close &lt;deals&gt; &amp; more" in page
    assert '<div class="b-fields"><div><b>Progress</b><br>42%</div><div>Health: on track</div>' in (
        page
    )
    assert '<span class="btn btn-primary">No change</span><span class="btn">Update</span>' in page
    assert '<div class="b-context"><span>Reply <code>42 on track</code></span></div>' in page
    assert 'src="data:image/png;base64,' + base64.b64encode(PNG).decode() in page
    assert "img-missing" in page  # the external image is not fetched: the page stays offline
    assert "[mystery_block]" in page and '<hr class="b-divider">' in page


def test_page_is_self_contained() -> None:
    entry = Entry(JAN_7_10AM_LONDON, BOT, blocks=checkin_blocks())
    page = render_transcript(transcript(entry))
    resources = _Resources()
    resources.feed(page)
    assert resources.scripts == 0 and resources.links == []
    assert resources.sources and all(src.startswith("data:image/") for src in resources.sources)


def test_times_are_local_to_the_conversation_with_day_dividers() -> None:
    page = render_transcript(transcript(Entry(JAN_7_10AM_LONDON, BOT, text="hello")))
    assert "Thursday, 07 January 2027" in page
    assert re.search(r'title="2027-01-07 10:00 GMT">10:00<', page)


def test_an_edited_message_shows_each_version_when_it_happened() -> None:
    original = Revision("Time for your check-in", replaced_at="1799318000.000000")
    answered = Entry(
        JAN_7_10AM_LONDON, BOT, text="Thanks, Ada! Recorded: no change", revisions=(original,)
    )
    click = Entry("1799317999.000000", ADA, "action", "No change", action="click")
    page = render_transcript(transcript(answered, click))
    order = [
        page.index("Time for your check-in"),
        page.index("clicked <b>No change</b>"),
        page.index("Thanks, Ada! Recorded"),
    ]
    assert order == sorted(order)
    assert "10:33 (edited)" in page


def test_a_message_edited_many_times_shows_as_first_posted_and_as_last_edited() -> None:
    versions = (
        Revision("Scorecard, no ratings yet", replaced_at="1799318000.000000"),
        Revision("Scorecard, 1 rating", replaced_at="1799319000.000000"),
    )
    entry = Entry(JAN_7_10AM_LONDON, BOT, text="Scorecard, 2 ratings", revisions=versions)
    page = render_transcript(transcript(entry))
    assert "Scorecard, 1 rating<" not in page
    assert page.index("Scorecard, no ratings yet") < page.index("Scorecard, 2 ratings")
    assert "the message of Thu 07 Jan 10:00, edited 2 times" in page
    assert "10:50 (edited)" in page


def test_threads_ephemerals_and_what_people_did() -> None:
    reply = Entry("1799316100.000000", ADA, "message", "on it")
    parent = Entry(JAN_7_10AM_LONDON, BOT, text="Review of Sales", replies=(reply,))
    hidden = Entry("1799316200.000000", BOT, "ephemeral", "Only you see this", visible_to=ADA)
    typed = Entry("1799316300.000000", ADA, "message_by_person", "G-12 42 *at risk*")
    submitted = Entry(
        "1799316400.000000",
        ADA,
        "action",
        "Check-in",
        details=("New value: 42", "Note: <b>hi</b>"),
        action="submit",
    )
    page = render_transcript(transcript(parent, hidden, typed, submitted))
    assert '🧵 1 reply</div><div class="msg">' in page and "on it" in page
    assert "Only visible to Ada Lovelace" in page
    assert "G-12 42 <b>at risk</b>" in page
    assert "submitted <b>Check-in</b>" in page and "<li>Note: &lt;b&gt;hi&lt;/b&gt;</li>" in page


def test_navigation_summary_and_app_home() -> None:
    home = Home(ADA, ({"type": "section", "text": {"type": "mrkdwn", "text": "*Your goals*"}},))
    page = render_transcript(transcript(Entry(JAN_7_10AM_LONDON, BOT, text="hi"), homes=(home,)))
    assert '<a href="#c-C1">#leadership<span class="count">0</span></a>' in page
    assert '<a href="#c-D1">Ada Lovelace<span class="count">1</span></a>' in page
    assert "<li>3 digests</li>" in page
    assert "Ada Lovelace&#x27;s Home" in page or "Ada Lovelace's Home" in page
    assert "<b>Your goals</b>" in page


class _Resources(HTMLParser):
    """What a browser would load: script tags, stylesheet links and every src."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0
        self.links: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.scripts += tag == "script"
        if tag == "link":
            self.links.append(values.get("href") or "")
        if values.get("src") is not None:
            self.sources.append(values["src"] or "")

"""Journey: a leadership channel subscribes, and the weekly digest posts there on Monday at
09:00 workspace time, exceptions first, with its chart in the thread, once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from devkit.demo import IMPORTED_AT
from devkit.demo.scenes import subscribe_leadership
from devkit.demo.world import World
from tests.journeys.support import DANIEL, MAYA, ask, journey_world, tick_at, utc, visible

MONDAY_9AM_NEW_YORK = utc(2027, 1, 11, 14, 0)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with journey_world(Path(tmp_path_factory.mktemp("digest"))) as running:
        tick_at(running, IMPORTED_AT)
        assert "will get the weekly digest of the company" in subscribe_leadership(running)
        running.move_to(utc(2027, 1, 8, 16, 0))
        answer = ask(running, DANIEL, "update G-5 0.2 at risk waiting on legal")
        assert "Recorded G-5" in answer
        tick_at(running, IMPORTED_AT + timedelta(days=5))  # an ordinary Friday tick
        tick_at(running, MONDAY_9AM_NEW_YORK - timedelta(minutes=1))
        yield running


def _digests(world: World) -> list[dict[str, object]]:
    messages = world.slack.messages(world.leadership)
    return [m for m in messages if "Weekly digest" in visible(m)]


def _a_preview_is_shown_only_to_who_asked(world: World) -> None:
    preview = ask(world, MAYA, "digest preview", channel=world.leadership)
    assert "Weekly digest" in preview and "G-5" in preview
    assert _digests(world) == []


def _the_digest_posts_at_nine_on_monday_once(world: World) -> None:
    assert _digests(world) == []  # a minute early: nothing yet
    for minutes in (0, 1, 60):
        tick_at(world, MONDAY_9AM_NEW_YORK + timedelta(minutes=minutes))
    [digest] = _digests(world)
    posted = datetime.fromtimestamp(float(str(digest["ts"])), ZoneInfo("America/New_York"))
    assert (posted.strftime("%a %H:%M"), posted.day) == ("Mon 09:00", 11)
    text = visible(digest)
    assert text.index("Exceptions") < text.index("Critical success factors")
    assert "G-5" in text and "at risk" in text


def _the_chart_is_uploaded_into_the_thread(world: World) -> None:
    tick_at(world, MONDAY_9AM_NEW_YORK)
    [digest] = _digests(world)
    thread = world.slack.thread(world.leadership, str(digest["ts"]))
    files = [f for reply in thread[1:] for f in reply.get("files", [])]
    assert [f["mimetype"] for f in files] == ["image/png"]
    [stored] = [f for f in world.slack.files() if f["id"] == files[0]["id"]]
    assert stored["content"].startswith(PNG_MAGIC) and len(stored["content"]) > 2000


def test_the_weekly_digest_posts_to_the_subscribed_channel(world: World) -> None:
    """One story, in order: a preview first, then the digest on Monday at 09:00, once, with
    its chart in the thread.
    """
    _a_preview_is_shown_only_to_who_asked(world)
    _the_digest_posts_at_nine_on_monday_once(world)
    _the_chart_is_uploaded_into_the_thread(world)

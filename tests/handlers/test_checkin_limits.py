"""Check-ins through Slack's 429s and 5xx: every owner gets exactly one DM; fixed clock."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.checkins.sending import DEFAULT_LEASE
from bot.checkins.tick import run_tick
from bot.delivery.pacing import NoPacing
from bot.delivery.slack import SlackPoster
from bot.delivery.tags import delivery_id_of
from bot.domain.clock import FixedClock
from devkit.standin import SlackStandin
from goalbot.slack_client import make_web_client
from storage.models import DeliveryStatus
from tests.checkin_support import compose, deliveries, outstanding, seed_owners, seed_workspace
from tests.handlers.harness import settings_for

OWNERS = 20
SLOT = datetime(2027, 1, 7, 10, 0, tzinfo=UTC)
MAX_TICKS = 10


@pytest.fixture
def slack() -> Iterator[SlackStandin]:
    """A Slack stand-in."""
    with SlackStandin() as running:
        yield running


def test_429_and_500_on_post_leave_no_duplicate_and_no_gap(
    engine: Engine, slack: SlackStandin
) -> None:
    users = [slack.add_user(f"owner{n}", user_id=f"UOWNER{n:03d}") for n in range(OWNERS)]
    seed_workspace(engine)
    seed_owners(engine, count=OWNERS, next_checkin_at=SLOT, user_ids=users)
    slack.inject("chat.postMessage", "429", 3)
    slack.inject("chat.postMessage", "500", 2)
    clock = FixedClock(SLOT + timedelta(minutes=1))
    poster = SlackPoster(make_web_client(settings_for(slack)))
    for _ in range(MAX_TICKS):
        run_tick(engine, clock, poster, compose, pacer=NoPacing())
        if outstanding(engine) == 0:
            break
        clock.advance(DEFAULT_LEASE + timedelta(seconds=1))  # past the lease of rows in doubt
    per_user = {user: slack.dm_messages(user) for user in users}
    posts = Counter(delivery_id_of(m.get("metadata")) for dm in per_user.values() for m in dm)
    rows = deliveries(engine)
    assert outstanding(engine) == 0
    assert [user for user, dm in per_user.items() if len(dm) != 1] == []
    assert {d: n for d, n in posts.items() if n > 1} == {}
    assert sorted(posts) == sorted(row.id for row in rows)
    assert {row.status for row in rows} == {DeliveryStatus.SENT}

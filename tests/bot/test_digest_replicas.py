"""Several replicas on one PostgreSQL: each digest posted exactly once.

Three OS processes (``multiprocessing`` spawn) run the real digest tick
(``tests.bot.digest_tick_support.replica_main``) against one schema and post over HTTP to the
Slack stand-in through the real ``SlackPoster``; the channels' messages are the record
in which duplicates and gaps are counted (each digest carries its row id in its metadata).
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from multiprocessing.process import BaseProcess

import pytest
from sqlalchemy import Engine, text

from bot.delivery.tags import DIGEST_EVENT_TYPE
from devkit.standin import SlackStandin
from devkit.standin.state import Identity
from storage.models import DeliveryStatus
from tests.bot.digest_tick_support import digests, seed_subscribed_org
from tests.conftest import POSTGRES_URL
from tests.factories import TEAM

pytestmark = pytest.mark.postgres

CHANNELS = 24
LEASE_SECONDS = 30.0
JOIN_SECONDS = 120


@pytest.fixture
def standin() -> Iterator[SlackStandin]:
    """A stand-in on the real clock (the replicas use the system clock too)."""
    with SlackStandin(threads=8, identity=Identity(team_id=TEAM)) as running:
        yield running


def _start(engine: Engine, standin: SlackStandin) -> BaseProcess:
    from tests.bot.digest_tick_support import replica_main

    with engine.connect() as conn:
        schema = str(conn.execute(text("SELECT current_schema()")).scalar_one())
    args = (POSTGRES_URL, schema, standin.api_url, standin.token, LEASE_SECONDS)
    process = multiprocessing.get_context("spawn").Process(target=replica_main, args=args)
    process.start()
    return process


def test_three_replicas_post_each_digest_exactly_once(
    pg_engine: Engine, standin: SlackStandin
) -> None:
    channels = [standin.add_channel(f"leaders-{n}") for n in range(CHANNELS)]
    slot = (datetime.now(UTC) - timedelta(hours=1)).replace(second=0, microsecond=0)
    seed_subscribed_org(
        pg_engine,
        channels,
        subscribed_at=slot - timedelta(hours=1),
        digest_weekday=slot.weekday(),
        digest_time=f"{slot:%H:%M}",
    )
    replicas = [_start(pg_engine, standin) for _ in range(3)]
    for process in replicas:
        process.join(JOIN_SECONDS)
    assert [process.exitcode for process in replicas] == [0, 0, 0]
    posted = Counter(
        message["metadata"]["event_payload"]["digest_id"]
        for channel in channels
        for message in standin.messages(channel)
        if (message.get("metadata") or {}).get("event_type") == DIGEST_EVENT_TYPE
    )
    rows = digests(pg_engine)
    assert len(rows) == CHANNELS and {row.status for row in rows} == {DeliveryStatus.SENT}
    assert {row.id: 1 for row in rows} == dict(posted)  # every digest once, no other
    assert len(standin.calls("chat.postMessage")) == CHANNELS  # one API call per digest

"""Several replicas on one PostgreSQL: every check-in delivered exactly once, even after a crash.

Three OS processes (``multiprocessing`` spawn) run the real tick (``tests.checkin_support
.replica_main``) against one schema and post over HTTP to the Slack stand-in through the real
``SlackPoster``; the stand-in's DMs are the record in which duplicates and gaps are counted.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from multiprocessing.process import BaseProcess

import pytest
from sqlalchemy import Engine, text

from bot.delivery.tags import delivery_id_of
from devkit.standin import SlackStandin
from tests.checkin_support import deliveries, seed_owners, seed_workspace
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.postgres

OWNERS = 1000
LEASE_SECONDS = 5.0
JOIN_SECONDS = 60


@pytest.fixture
def standin() -> Iterator[SlackStandin]:
    """A stand-in on the real clock (the replicas use the system clock too)."""
    with SlackStandin(threads=8) as running:
        yield running


@pytest.fixture
def owners(pg_engine: Engine, standin: SlackStandin) -> list[str]:
    """1,000 owners, each with one active goal and a check-in due a minute ago."""
    user_ids = [standin.add_user(f"owner{n}", user_id=f"UOWNER{n:05d}") for n in range(OWNERS)]
    seed_workspace(pg_engine)
    due = datetime.now(UTC) - timedelta(minutes=1)
    seed_owners(pg_engine, count=OWNERS, next_checkin_at=due, user_ids=user_ids)
    return user_ids


def _start(engine: Engine, standin: SlackStandin, crash_after: int = 0) -> BaseProcess:
    from tests.checkin_support import replica_main

    with engine.connect() as conn:
        schema = str(conn.execute(text("SELECT current_schema()")).scalar_one())
    args = (POSTGRES_URL, schema, standin.api_url, standin.token, LEASE_SECONDS, crash_after)
    process = multiprocessing.get_context("spawn").Process(target=replica_main, args=args)
    process.start()
    return process


def _join(processes: list[BaseProcess]) -> list[int | None]:
    for process in processes:
        process.join(JOIN_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()
    return [process.exitcode for process in processes]


def _posts(standin: SlackStandin, user_ids: list[str]) -> Counter[int | None]:
    """How many DMs carry each delivery id."""
    return Counter(
        delivery_id_of(message.get("metadata"))
        for user_id in user_ids
        for message in standin.dm_messages(user_id)
    )


def _assert_exactly_once(engine: Engine, standin: SlackStandin, user_ids: list[str]) -> None:
    posts = _posts(standin, user_ids)
    rows = deliveries(engine)
    duplicates = {delivery: n for delivery, n in posts.items() if n > 1}
    missing = [row.id for row in rows if row.id not in posts]
    assert (len(rows), duplicates, missing) == (OWNERS, {}, [])
    assert sum(posts.values()) == OWNERS
    assert {row.status for row in rows} == {"sent"}
    ts_by_id = {
        delivery_id_of(m.get("metadata")): m["ts"] for u in user_ids for m in standin.dm_messages(u)
    }
    assert all(row.message_ts == ts_by_id[row.id] for row in rows)


def test_three_replicas_deliver_each_check_in_exactly_once(
    pg_engine: Engine, standin: SlackStandin, owners: list[str]
) -> None:
    replicas = [_start(pg_engine, standin) for _ in range(3)]
    assert _join(replicas) == [0, 0, 0]
    _assert_exactly_once(pg_engine, standin, owners)
    assert len(standin.calls("chat.postMessage")) == OWNERS  # one API call per check-in
    assert standin.calls("conversations.history") == []  # no lookups without a crash


def test_a_replica_killed_mid_fan_out_loses_and_duplicates_nothing(
    pg_engine: Engine, standin: SlackStandin, owners: list[str]
) -> None:
    doomed = _start(pg_engine, standin, crash_after=150)  # SIGKILLs itself after post 150
    survivors = [_start(pg_engine, standin) for _ in range(2)]
    doomed.join(JOIN_SECONDS)
    assert doomed.exitcode == -signal.SIGKILL
    restarted = _start(pg_engine, standin)
    assert _join([*survivors, restarted]) == [0, 0, 0]
    _assert_exactly_once(pg_engine, standin, owners)
    assert len(standin.calls("chat.postMessage")) == OWNERS  # the crashed post was not repeated
    assert standin.calls("conversations.history")  # rows left in doubt were looked for first

"""The shared send budget: several pacers on one database share one token bucket.

Two :class:`SharedBudget` instances stand for two replicas; their clock is a fake one that
moves only when one of them sleeps, so the arithmetic is exact and nothing really waits.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import SQLModel

from bot.delivery.budget import POST_MESSAGE_BUDGET, SharedBudget, shared_per_minute
from bot.delivery.pacing import TokenBucket
from storage.db import make_engine, unit_of_work
from storage.repositories.send_budget import ensure_budget, take_slot
from tests.conftest import POSTGRES_URL


class FakeTime:
    """A clock shared by every pacer of a test, moved only by their sleeps."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0  # seconds since the epoch, as time.time reads
        self.slept: list[float] = []

    def time(self) -> float:
        """The current reading."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Move forward instead of sleeping."""
        self.slept.append(seconds)
        self.now += seconds


def approx(expected: object) -> object:
    """Equal to the millisecond: epoch seconds as floats are exact to ~2.4e-7 s only."""
    return pytest.approx(expected, abs=1e-3)


def _replicas(
    engines: list[Engine], count: int = 2, rate: float = 5.0, burst: int = 5
) -> tuple[list[SharedBudget], FakeTime]:
    """`count` pacers, each on an engine of its own, on one fake clock."""
    fake = FakeTime()
    pacers = [
        SharedBudget(engines[n], rate=rate, burst=burst, clock=fake.time, sleep=fake.sleep)
        for n in range(count)
    ]
    return pacers, fake


def test_two_replicas_share_one_burst_and_one_rate(engines: list[Engine]) -> None:
    (a, b), fake = _replicas(engines)
    start = fake.now
    waits = [pacer.acquire() for _ in range(5) for pacer in (a, b)]
    assert waits[:5] == [0.0] * 5  # one burst of 5 between them, not 5 each
    assert waits[5:] == approx([0.2] * 5)
    assert fake.now - start == approx(1.0)


def test_the_sustained_rate_across_replicas_is_the_configured_rate(engines: list[Engine]) -> None:
    pacers, fake = _replicas(engines, count=3)
    start = fake.now
    for n in range(305):
        pacers[n % 3].acquire()
    assert fake.now - start == approx(60.0)  # 5 at once, then 300 in 60 s: not 3 x


def test_separate_process_buckets_would_send_three_times_as_much() -> None:
    """What the shared budget replaces: three TokenBuckets, one per replica."""
    fake = FakeTime()
    buckets = [TokenBucket(5.0, 5, monotonic=fake.time, sleep=fake.sleep) for _ in range(3)]
    start = fake.now
    for n in range(305):
        buckets[n % 3].acquire()
    assert fake.now - start < 21.0  # about 300 posts in 20 s: three times the rate


def test_a_pause_from_one_replica_holds_back_the_other(engines: list[Engine]) -> None:
    (a, b), _ = _replicas(engines)
    a.acquire()
    a.pause(30.0)  # Slack answered a's post with 429, Retry-After: 30
    assert b.delay() == approx(30.0)
    assert b.acquire() == approx(30.0)
    assert a.acquire() == approx(0.2)  # refilled from empty: one post per interval


def test_a_pause_never_shortens_a_longer_one(engines: list[Engine]) -> None:
    (a, b), _ = _replicas(engines)
    a.pause(30.0)
    b.pause(5.0)
    assert a.delay() == approx(30.0)


def test_a_quiet_spell_refills_up_to_the_burst_only(engines: list[Engine]) -> None:
    (a, b), fake = _replicas(engines, rate=2.0, burst=3)
    for _ in range(3):
        a.acquire()
    fake.now += 100
    assert [b.acquire() for _ in range(3)] == [0.0] * 3
    assert a.acquire() == approx(0.5)


def test_per_minute_settings_make_the_same_bucket_as_the_process_one(engine: Engine) -> None:
    shared = shared_per_minute(engine, 1200)
    assert (shared.rate, shared.burst, shared.key) == (20.0, 20, POST_MESSAGE_BUDGET)


def _another_pool(engine: Engine) -> Engine:
    """A second engine on the same database (and schema): what another replica has."""
    if engine.dialect.name == "sqlite":
        return make_engine(engine.url.render_as_string(hide_password=False))
    with engine.connect() as conn:
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
    return make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})


@pytest.fixture
def engines(engine: Engine) -> Iterator[list[Engine]]:
    """Four engines on one database, as four replicas have, once per backend."""
    others = [_another_pool(engine) for _ in range(3)]
    yield [engine, *others]
    for other in others:
        other.dispose()


@pytest.fixture
def pg_engines(pg_engine: Engine) -> Iterator[list[Engine]]:
    """Four engines on one PostgreSQL schema."""
    others = [_another_pool(pg_engine) for _ in range(3)]
    yield [pg_engine, *others]
    for other in others:
        other.dispose()


@pytest.mark.postgres
def test_concurrent_takes_on_postgresql_never_share_a_slot(pg_engines: list[Engine]) -> None:
    """Many connections race for one instant's burst of 5: exactly 5 win, whatever the order."""
    with unit_of_work(pg_engines[0]) as session:
        ensure_budget(session=session, key="race")
    now, wins, start = 1_800_000_000.0, [], threading.Barrier(len(pg_engines) * 2)

    def race(engine: Engine) -> None:
        start.wait()
        for _ in range(10):
            with unit_of_work(engine) as session:
                taken = take_slot(
                    session=session, key="race", now=now, interval=0.2, tolerance=0.8001
                )
            if taken is not None:
                wins.append(taken)

    threads = [threading.Thread(target=race, args=(e,)) for e in pg_engines for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(wins) == approx([now + 0.2 * n for n in range(1, 6)])


def test_the_table_is_part_of_the_schema(engine: Engine) -> None:
    assert "send_budget" in SQLModel.metadata.tables


def test_the_tick_shares_the_budget_on_postgresql_and_paces_itself_on_sqlite(
    engine: Engine,
) -> None:
    from goalbot.tick import make_pacer

    pacer = make_pacer(engine, 300)
    expected = SharedBudget if engine.dialect.name == "postgresql" else TokenBucket
    assert type(pacer) is expected

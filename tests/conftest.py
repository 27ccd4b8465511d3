"""Shared fixtures: a database on each backend, a fixed clock, a clean environment.

PostgreSQL tests run against ``GOALBOT_TEST_POSTGRES_URL`` (default: the local server at
127.0.0.1:5432, database ``test``, user ``postgres``), each test in a schema of its own so
parallel workers never meet. Without a reachable server they are skipped with the reason,
unless ``GOALBOT_REQUIRE_POSTGRES=1`` (CI), where an unreachable server is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel

import storage.models  # noqa: F401
from bot.domain.clock import FixedClock
from storage.db import make_engine

POSTGRES_URL = os.environ.get(
    "GOALBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("GOALBOT_REQUIRE_POSTGRES") == "1"
# Monday 4 January 2027, 09:00 UTC: the first week of 2027-Q1.
DEFAULT_NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


@cache
def postgres_unreachable_reason() -> str | None:
    """None when the test server answers, else why not."""
    engine = make_engine(POSTGRES_URL, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except Exception as exc:  # noqa: BLE001  (any failure means "unreachable", reported as such)
        return f"PostgreSQL at {POSTGRES_URL} unreachable: {type(exc).__name__}: {exc}".strip()
    finally:
        engine.dispose()


def require_postgres() -> None:
    """Skip (or, in CI, fail) when the PostgreSQL test server cannot be reached."""
    reason = postgres_unreachable_reason()
    if reason is None:
        return
    if REQUIRE_POSTGRES:
        pytest.fail(reason + " (GOALBOT_REQUIRE_POSTGRES=1)")
    pytest.skip(reason)


def postgres_schema_engine(**kwargs: object) -> Iterator[Engine]:
    """An engine bound to a fresh, empty schema; the schema is dropped afterwards."""
    require_postgres()
    schema = f"gbt_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL, pool_size=1, max_overflow=0)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(
        POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"}, **kwargs
    )
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def sqlite_file_engine(path: Path) -> Engine:
    """An engine on a new SQLite file."""
    return make_engine(f"sqlite:///{path}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database, once per backend."""
    if request.param == "sqlite":
        engine = sqlite_file_engine(tmp_path / "goalbot.db")
        yield engine
        engine.dispose()
    else:
        yield from postgres_schema_engine()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """An engine with goalbot's tables, once per backend."""
    SQLModel.metadata.create_all(empty_engine)
    return empty_engine


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """An engine with goalbot's tables on SQLite only, for tests that need no second backend."""
    engine = sqlite_file_engine(tmp_path / "goalbot.db")
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An engine with goalbot's tables on a fresh PostgreSQL schema only (replica tests)."""
    for engine in postgres_schema_engine():
        SQLModel.metadata.create_all(engine)
        yield engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the per-backend engine."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing at Monday 4 January 2027, 09:00 UTC."""
    return FixedClock(DEFAULT_NOW)


@pytest.fixture(autouse=True)
def _clean_slack_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see real Slack credentials, and Bolt never switches to OAuth."""
    for name in list(os.environ):
        if name.startswith("SLACK_") or name in {"DATABASE_URL", "PORT", "LOG_LEVEL", "LOG_FORMAT"}:
            monkeypatch.delenv(name, raising=False)

"""Every SQLite connection gets goalbot's settings: WAL, a busy timeout, foreign keys enforced,
synchronous=NORMAL, and reads through a memory map."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from storage.db import SQLITE_BUSY_TIMEOUT_MS, SQLITE_MMAP_BYTES, unit_of_work
from tests.factories import make_unit, make_workspace


def test_each_connection_has_the_settings(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as conn:
        found = {
            name: conn.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous", "mmap_size")
        }
    assert found == {
        "journal_mode": "wal",
        "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
        "foreign_keys": 1,
        "synchronous": 1,  # NORMAL
        "mmap_size": SQLITE_MMAP_BYTES,
    }


def test_foreign_keys_are_enforced(sqlite_engine: Engine) -> None:
    with pytest.raises(IntegrityError), unit_of_work(sqlite_engine) as session:
        make_unit(session, "orphan", team_id="TNOWHERE")  # no such workspace


def test_a_writer_commits_while_a_reader_keeps_its_snapshot(sqlite_engine: Engine) -> None:
    with unit_of_work(sqlite_engine) as session:
        make_workspace(session, "T1")
    reader, writer = sqlite_engine.raw_connection(), sqlite_engine.raw_connection()
    try:
        reader.driver_connection.isolation_level = None  # type: ignore[union-attr]
        reader.execute("BEGIN")
        assert reader.execute("SELECT name FROM workspace").fetchone() == ("T1",)
        writer.execute("UPDATE workspace SET name = 'changed'")
        writer.commit()  # with a rollback journal this would wait for the reader, then fail
        assert reader.execute("SELECT name FROM workspace").fetchone() == ("T1",)
        reader.execute("COMMIT")
        assert reader.execute("SELECT name FROM workspace").fetchone() == ("changed",)
    finally:
        reader.close()
        writer.close()

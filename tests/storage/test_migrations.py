"""Migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, select

from storage.migrate import pending_model_changes, upgrade
from storage.models import SQLModel, Workspace


def test_upgrade_to_head_matches_the_models(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    assert pending_model_changes(empty_engine) == []


def test_upgrade_creates_every_table(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    tables = set(inspect(empty_engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables


def test_a_model_change_without_a_migration_is_detected(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    with empty_engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_goal_team_owner_period"))
    assert pending_model_changes(empty_engine) != []


def test_timestamps_come_back_as_aware_utc(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    berlin = timezone(timedelta(hours=1))
    written = datetime(2027, 3, 28, 2, 30, tzinfo=berlin)
    with Session(empty_engine) as session:
        session.add(Workspace(id="T1", created_at=written))
        session.commit()
    with Session(empty_engine) as session:
        stored = session.exec(select(Workspace)).one().created_at
    assert stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)
    assert stored == written.astimezone(UTC)

"""Migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from alembic import command
from sqlalchemy import DateTime, Engine, inspect, text
from sqlmodel import Session, SQLModel, select
from sqlmodel.sql.sqltypes import UTCDateTime

from storage.migrate import alembic_config, pending_model_changes, upgrade
from storage.models import CheckinDelivery, DeliveryKind, Person, Workspace


def test_upgrade_to_head_matches_the_models(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    assert pending_model_changes(empty_engine) == []


def test_every_migration_goes_down_and_up_again(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    config = alembic_config(empty_engine)
    with empty_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    upgrade(empty_engine)
    assert pending_model_changes(empty_engine) == []
    indexes = {index["name"] for index in inspect(empty_engine).get_indexes("goal_update")}
    assert "ix_goal_update_delivery_id" in indexes


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


def test_every_timestamp_column_is_stored_as_utc() -> None:
    timestamp_types = {
        f"{table.name}.{column.name}": column.type
        for table in SQLModel.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, DateTime | UTCDateTime)
    }
    assert len(timestamp_types) >= 20
    naive = [name for name, kind in timestamp_types.items() if not isinstance(kind, UTCDateTime)]
    assert naive == []


def test_timestamps_written_in_any_zone_come_back_as_the_same_utc_instant(
    empty_engine: Engine,
) -> None:
    upgrade(empty_engine)
    sydney = timezone(timedelta(hours=11))
    due = datetime(2027, 4, 4, 2, 30, tzinfo=sydney)
    with Session(empty_engine) as session:
        session.add(Workspace(id="T1", created_at=due))
        session.commit()
        session.add(Person(team_id="T1", slack_user_id="U1", created_at=due, updated_at=due))
        session.commit()
        person_id = session.exec(select(Person)).one().id
        session.add(
            CheckinDelivery(
                team_id="T1", person_id=person_id or 0, kind=DeliveryKind.CHECKIN,
                period_key="2027-W13", due_at=due, created_at=due,
            )
        )  # fmt: skip
        session.commit()
    with Session(empty_engine) as session:
        stored = session.exec(select(CheckinDelivery)).one()
    for value in (stored.due_at, stored.created_at):
        assert value.utcoffset() == timedelta(0) and value == due

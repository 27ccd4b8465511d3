"""Migration 0002 (reviews) upgrades a database holding data, and goes back down, on both
backends; a goal, its updates, a review and its responses survive."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Engine, text

from storage.migrate import alembic_config, pending_model_changes, upgrade

AT = datetime(2027, 1, 4, 9, tzinfo=UTC)
ROWS = [
    "INSERT INTO workspace (id, name, timezone, fiscal_year_start_month, cadence, checkin_weekday,"
    " checkin_time, digest_weekday, digest_time, holidays, escalation_enabled, weekly_dm_cap,"
    " created_at) VALUES ('T1', 'T1', 'UTC', 1, 'weekly', 3, '10:00', 0, '09:00', '[]', true, 5,"
    " :at)",
    "INSERT INTO unit (team_id, key, name, created_at) VALUES ('T1', 'sales', 'Sales', :at)",
    "INSERT INTO person (team_id, slack_user_id, name, role, is_active, created_at, updated_at)"
    " VALUES ('T1', 'U1', 'Dana', 'member', true, :at, :at)",
    "INSERT INTO goal (team_id, number, title, description, owner_id, unit_id, period, direction,"
    " weight, status, visibility, created_at, updated_at) VALUES ('T1', 1, 'Close deals', '', 1,"
    " 1, '2027-Q1', 'increase', 1, 'active', 'public', :at, :at)",
    "INSERT INTO goal_update (team_id, goal_id, value, note, blocker, no_change, source,"
    " created_at) VALUES ('T1', 1, 4, '', false, false, 'command', :at)",
    "INSERT INTO review (team_id, unit_id, period, scorecard, diagnosis, started_at)"
    " VALUES ('T1', 1, '2027-Q1', '{}', '', :at)",
    "INSERT INTO review_response (team_id, review_id, worked, change, reply_text, created_at)"
    " VALUES ('T1', 1, 'a', '', '', :at)",
    "INSERT INTO review_response (team_id, review_id, worked, change, reply_text, created_at)"
    " VALUES ('T1', 1, 'b', '', '', :at)",
]


def _migrate(engine: Engine, direction: str, revision: str) -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)


def test_0002_upgrades_a_database_with_data_and_back(empty_engine: Engine) -> None:
    upgrade(empty_engine, "0001")
    with empty_engine.begin() as conn:
        for statement in ROWS:
            conn.execute(text(statement), {"at": AT})

    upgrade(empty_engine)
    assert pending_model_changes(empty_engine) == []
    with empty_engine.connect() as conn:
        keys = conn.execute(text("SELECT key FROM review_response ORDER BY id")).scalars().all()
        review = conn.execute(text("SELECT status, attempts FROM review")).one()
        link = conn.execute(text("SELECT carried_from_id FROM goal")).scalar()
        updates = conn.execute(text("SELECT count(*) FROM goal_update")).scalar()
    assert keys == ["row:1", "row:2"]  # unique per review from the start
    assert tuple(review) == ("sent", 0)  # an existing review is never posted again
    assert (link, updates) == (None, 1)

    _migrate(empty_engine, "downgrade", "0001")
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM review_response")).scalar() == 2
    upgrade(empty_engine)
    assert pending_model_changes(empty_engine) == []

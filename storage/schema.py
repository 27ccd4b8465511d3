"""Is the database at the schema this code expects? Upgrade the embedded default if not."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from storage.migrate import alembic_config, upgrade


class SchemaOutOfDate(Exception):
    """The database is behind the code; an admin must run ``goalbot migrate``."""


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at, or None when it has no schema yet."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    """The newest revision this code ships."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def ensure_schema(engine: Engine) -> None:
    """Upgrade an embedded SQLite database to head; refuse a PostgreSQL one that is behind."""
    current, head = current_revision(engine), head_revision(engine)
    if current == head:
        return
    if engine.dialect.name == "sqlite":
        upgrade(engine)
        return
    raise SchemaOutOfDate(
        f"the database is at revision {current or 'none'} but goalbot needs {head}: "
        "run `goalbot migrate` first"
    )

"""Bulk writing in one transaction: COPY on PostgreSQL, executemany batches on SQLite.

Rows come with their ids (planned in memory, so references need no round trip); on
PostgreSQL each table's id sequence is moved past them afterwards, so the bot's own inserts
carry on from there.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from psycopg import sql
from sqlalchemy import Connection, Table, func, select, text

BATCH = 20_000  # rows per executemany on SQLite
Row = Sequence[object]


class BulkWriter:
    """Writes rows of goalbot's tables through one connection, timing each table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.seconds: dict[str, float] = {}
        self.rows: dict[str, int] = {}
        if not self.postgres:
            # A bigger page cache for this connection: index pages stay in memory while writing.
            connection.execute(text("PRAGMA cache_size=-262144"))

    def next_id(self, table: Table) -> int:
        """The first id free in `table` (1 for an empty one)."""
        highest = self._connection.execute(select(func.max(table.c.id))).scalar()
        return 1 if highest is None else int(highest) + 1

    def insert(self, table: Table, values: dict[str, object]) -> None:
        """One row through Core ``insert()`` on either backend (for JSON columns and the like)."""
        started = time.perf_counter()
        self._connection.execute(table.insert(), [values])
        self._count(table, 1, time.perf_counter() - started)

    def write(self, table: Table, columns: Sequence[str], rows: Iterable[Row]) -> int:
        """Write rows (values in `columns` order); how many. Time adds up per table."""
        started = time.perf_counter()
        if self.postgres:
            count = self._copy(table, columns, rows)
        else:
            count = self._insert(table, columns, rows)
        self._count(table, count, time.perf_counter() - started)
        return count

    def _count(self, table: Table, rows: int, seconds: float) -> None:
        self.seconds[table.name] = self.seconds.get(table.name, 0.0) + seconds
        self.rows[table.name] = self.rows.get(table.name, 0) + rows

    def write_batches(
        self, table: Table, columns: Sequence[str], batches: Iterable[Sequence[Row]]
    ) -> int:
        """Write rows produced in batches (counted in the table's time, generation included)."""
        return self.write(table, columns, (row for batch in batches for row in batch))

    def _insert(self, table: Table, columns: Sequence[str], rows: Iterable[Row]) -> int:
        """Core ``insert()`` compiled once, executemany in batches of BATCH rows.

        Values go through the columns' own bind processors (so they are stored exactly as
        the ORM stores them), then straight to the driver's ``executemany``: building a
        parameter dict per row would cost a third of the time.
        """
        dialect = self._connection.dialect
        compiled = table.insert().compile(dialect=dialect, column_keys=list(columns))
        order = [columns.index(key) for key in compiled.positiontup or ()]
        processors = [
            (index, processor)
            for index, name in enumerate(columns)
            if (processor := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
        ]
        iterator, count = iter(rows), 0
        while batch := list(islice(iterator, BATCH)):
            bound = [_bound(row, processors, order) for row in batch]
            self._connection.exec_driver_sql(str(compiled), bound)
            count += len(batch)
        return count

    def _copy(self, table: Table, columns: Sequence[str], rows: Iterable[Row]) -> int:
        """psycopg's ``COPY ... FROM STDIN``, row by row, on the transaction's connection.

        The table's foreign keys are dropped for the copy and added back after it, which
        checks every row in one pass (as pg_restore does) instead of a trigger per row: the
        same constraints, validated, a third of the time. It all happens in the transaction.
        """
        raw: Any = self._connection.connection.driver_connection
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        count = 0
        with (
            self._foreign_keys_checked_after(table),
            raw.cursor() as cursor,
            cursor.copy(statement) as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    @contextmanager
    def _foreign_keys_checked_after(self, table: Table) -> Iterator[None]:
        query = text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = to_regclass(:table) AND contype = 'f' ORDER BY conname"
        )
        keys = self._connection.execute(query, {"table": table.name}).all()
        quote = self._connection.dialect.identifier_preparer.quote
        for name, _ in keys:
            self._connection.execute(
                text(f"ALTER TABLE {quote(table.name)} DROP CONSTRAINT {quote(name)}")
            )
        yield
        for name, definition in keys:
            self._connection.execute(
                text(f"ALTER TABLE {quote(table.name)} ADD CONSTRAINT {quote(name)} {definition}")
            )

    def finish(self, tables: Sequence[Table]) -> None:
        """On PostgreSQL, move each table's id sequence past the ids written."""
        if not self.postgres:
            return
        for table in tables:
            self._connection.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                    f'(SELECT COALESCE(MAX(id), 0) + 1 FROM "{table.name}"), false)'
                ),
                {"table": table.name},
            )


def _bound(
    row: Row, processors: Sequence[tuple[int, Callable[[Any], Any]]], order: list[int]
) -> tuple[object, ...]:
    values = list(row)
    for index, processor in processors:
        values[index] = processor(values[index])
    return tuple(values[index] for index in order)


def analyze(connection: Connection, tables: Sequence[Table]) -> float:
    """Refresh the planner's statistics (PostgreSQL; autovacuum would, a bit later); seconds."""
    if connection.dialect.name != "postgresql":
        return 0.0
    started = time.perf_counter()
    for table in tables:
        connection.execute(text(f'ANALYZE "{table.name}"'))
    return time.perf_counter() - started

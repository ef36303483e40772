"""Fast writes of generated rows into empty tables: COPY on PostgreSQL, executemany on SQLite.

The demo's big tables (customers, identities, interactions, deliveries) start empty and take
rows whose ids the generator chose, so nothing has to be looked up or merged: rows go
straight into the tables, in chunks, in the build's transaction. Values are given in the
database's own text forms where that saves work (timestamps as UTC strings, see `Clock`).

`deferred_indexes` drops the secondary indexes and foreign keys of the tables for the load
and recreates them afterwards (PostgreSQL): building an index once from sorted data is much
faster than growing it row by row, and a foreign key added to a filled table is checked by
one join instead of one lookup per row at commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Model

CHUNK = 20_000
# Rows above which dropping and recreating indexes around a load pays on PostgreSQL (the small
# demo, ~350 000 rows, builds in 10 s instead of 15; the tiny one of the tests gains nothing).
DEFER_INDEXES_FROM = 100_000


class TableWriter:
    """Rows for one table, buffered and written `CHUNK` at a time (call `close` at the end)."""

    def __init__(self, model: type[Model], columns: Sequence[str]) -> None:
        self.model = model
        self.columns = tuple(columns)
        self.written = 0
        # Appending to `rows` directly, then calling `flush_if_full`, saves a call per row.
        self.rows: list[tuple[Any, ...]] = []
        q = connection.ops.quote_name
        table = q(model._meta.db_table)
        names = ", ".join(q(c) for c in self.columns)
        self._postgres = connection.vendor == "postgresql"
        if self._postgres:
            self._sql = f"COPY {table} ({names}) FROM STDIN"
        else:
            marks = ", ".join(["%s"] * len(self.columns))
            self._sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush_if_full(self) -> None:
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        with connection.cursor() as cursor:
            if self._postgres:
                with cursor.copy(self._sql) as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self._sql, self.rows)
        self.written += len(self.rows)
        self.rows = []

    def close(self) -> int:
        """Write what is left; how many rows were written in all."""
        self.flush()
        return self.written


def next_id(model: type[Model]) -> int:
    """The first free id of a table (1 when empty), for rows whose ids the generator sets."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX({q('id')}), 0) FROM {q(model._meta.db_table)}")
        return int(cursor.fetchone()[0]) + 1


def reset_sequences(models: Sequence[type[Model]]) -> None:
    """Move PostgreSQL's id sequences past the ids written (SQLite follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def analyze(models: Sequence[type[Model]]) -> None:
    """Fresh planner statistics for tables just filled."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {q(model._meta.db_table)}")


@contextmanager
def deferred_indexes(models: Sequence[type[Model]], *, rows: int) -> Iterator[None]:
    """On PostgreSQL, drop the tables' secondary indexes, unique constraints and foreign keys
    for the load and recreate them after; elsewhere, or below `DEFER_INDEXES_FROM` rows, a
    no-op.

    Primary keys stay (ids are written in increasing order, so they only ever append). Not
    on SQLite: its foreign keys cannot be dropped, and without the indexes on their columns
    each row inserted into a parent table scans the child tables.
    """
    if rows < DEFER_INDEXES_FROM or connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        # Altering a table's foreign keys locks the tables they point to, which must have no
        # checks pending: run the earlier steps' deferred checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # Index builds sort in memory when they can; only for this transaction.
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        recreate = _drop(cursor, tables)
    yield
    with connection.cursor() as cursor:
        for statement in recreate:
            cursor.execute(statement)


def _drop(cursor: Any, tables: list[str]) -> list[str]:
    """Drop the indexes and constraints; the statements that recreate them, in order."""
    q = connection.ops.quote_name
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
        FROM pg_constraint c
        WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('u', 'f')
        ORDER BY c.contype DESC, c.conname
        """,
        [tables],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1
        """,
        [tables],
    )
    indexes = cursor.fetchall()
    for table, name, _definition, _kind in constraints:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {q(name)}")
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    # Indexes and unique constraints first, foreign keys last (ordered 'u' before 'f').
    return [definition for _name, definition in indexes] + [
        f"ALTER TABLE {table} ADD CONSTRAINT {q(name)} {definition}"
        for table, name, definition, _kind in constraints
    ]


class Clock:
    """Instants as whole seconds since the epoch, written in the database's text form.

    Building a datetime per row costs more than the rest of a row: the generator counts in
    seconds and this class turns them into `2025-03-01 08:12:00+00` (PostgreSQL) or
    `2025-03-01 08:12:00` (SQLite, where Django stores UTC without an offset).
    """

    def __init__(self) -> None:
        self._suffix = "+00" if connection.vendor == "postgresql" else ""
        self._days: dict[int, str] = {}
        self._times = [
            f" {h:02d}:{m:02d}:{s:02d}{self._suffix}"
            for h in range(24)
            for m in range(60)
            for s in range(60)
        ]

    def text(self, seconds: int) -> str:
        day, rest = divmod(seconds, 86_400)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = self._days[day] = (EPOCH_DAY + dt.timedelta(days=day)).isoformat()
        return prefix + self._times[rest]


EPOCH_DAY = dt.date(1970, 1, 1)

"""Staged upserts: a batch of cleaned records written set-based, by the target's unique key.

A kind describes its target once (`StagedUpsert`: the model, its key, the fields copied, the
references to resolve) and hands each batch of cleaned records to `staged_upsert`, which runs in
the batch's transaction and reports what it created, updated, left unchanged or rejected.

On PostgreSQL:

1. the records go into a temporary staging table, with their line numbers, by one binary
   `COPY ... FROM STDIN`;
2. `INSERT ... SELECT ... ON CONFLICT (key) DO UPDATE SET ... WHERE (columns) IS DISTINCT FROM
   (new values)` resolves the references by join and writes new and changed rows only;
   `RETURNING (xmax = 0)` tells created rows from updated ones, unchanged ones are the rest;
3. when not every row was written, joins find the rows naming an unknown reference (rejected
   with their lines and the field at fault) and, with a guard, the rows whose key belongs to
   another owner (an identifier of another customer).

On SQLite, one query per reference resolves the batch's external keys, one query finds which of
its keys exist already and their owners (only with a guard: else the rows created are counted
by their rowids), and one `executemany` of `INSERT ... ON CONFLICT DO UPDATE ... WHERE (columns)
IS NOT (new values)` writes new and changed rows only.

The SQL is built from the models' `_meta` (tables, columns, types), so it follows the models.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Any, TypeVar

import psycopg
from django.db import IntegrityError, connection, transaction
from django.db.models import Field, ForeignKey, Model
from django.db.models.options import Options
from django.utils.functional import Promise

from symetrie.core.importing.contract import BatchResult, Line
from symetrie.core.importing.worker import LineColumns, utc_text

T = TypeVar("T", bound=tuple[Any, ...])
_ROWS_PER_STATEMENT = 500
_TEXT_TYPES = {"CharField", "TextField", "EmailField", "SlugField", "URLField"}


@dataclass(frozen=True)
class Ref:
    """A staged column naming a row of another table by one of its unique fields.

    `column` is the staged column, also the field named in a reject; `field` is the target's
    foreign key; `lookup` the referenced model's field that `column` holds; `reason` a message
    with `%(value)s`. An empty (None) value sets no reference; unless `required`, that is allowed.
    """

    column: str
    field: str
    lookup: str
    reason: str | Promise
    required: bool = False


@dataclass(frozen=True)
class Guard:
    """An existing row keeps its `field` (a foreign key): a row of the batch with the same key and
    another value is rejected, naming `column`, with `reason` % {"value": the owner's `show`}."""

    field: str
    column: str
    show: str
    reason: str | Promise


@dataclass(frozen=True)
class StagedUpsert:
    """How a kind's records are written to `model`.

    A record is a tuple of the staged columns, in this order: `values` (fields of the model
    copied as they are), then each `Ref.column`. `key` names the fields (text values or
    references' foreign keys) of a unique constraint. A staged column listed in `keep_if_absent`
    that is None in every record of a batch (its column was not in the file) is left as it is on
    existing rows and takes the field's default on new ones; None in only some records means the
    default. `on_insert` fields get their default when a row is created and are never updated.
    """

    model: type[Model]
    key: tuple[str, ...]
    values: tuple[str, ...]
    refs: tuple[Ref, ...] = ()
    guard: Guard | None = None
    keep_if_absent: tuple[str, ...] = ()
    on_insert: tuple[str, ...] = ()
    # PostgreSQL: rows whose key is not in the table yet are COPYed straight into it, their
    # references resolved by lookups first (see `_NewRowsByCopy`). For big tables of new rows
    # (the timeline); only for a one-column key and no guard.
    copy_new: bool = False
    _plans: dict[tuple[str, frozenset[str]], Any] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def staged(self) -> tuple[str, ...]:
        return (*self.values, *(ref.column for ref in self.refs))


def staged_upsert(spec: StagedUpsert, lines: Sequence[Line[T]]) -> BatchResult:
    """Write one batch (in the caller's transaction); see the module's docstring."""
    result = BatchResult()
    if not lines:
        return result
    width = len(spec.staged)
    assert len(lines[0].record) == width, f"a {_meta(spec).db_table} record has {width} columns"
    absent = frozenset(
        name
        for name, index in ((name, spec.staged.index(name)) for name in spec.keep_if_absent)
        if _column(lines, index).count(None) == len(lines)
    )
    key = (connection.vendor, absent)
    plan = spec._plans.get(key)
    if plan is None:
        plan = (_PostgresPlan if connection.vendor == "postgresql" else _SQLitePlan)(spec, absent)
        spec._plans[key] = plan
    plan.write(lines, result)
    return result


# ---------------------------------------------------------------- what both databases share


class _Plan:
    """The target's columns and how each is filled, for one set of absent columns."""

    def __init__(self, spec: StagedUpsert, absent: frozenset[str]) -> None:
        self.spec = spec
        self.absent = absent
        q = self.q = connection.ops.quote_name
        meta = _meta(spec)
        self.table = q(meta.db_table)
        self.value_fields = [_field(meta, name) for name in spec.values]
        self.refs = [(ref, _foreign_key(meta, ref.field)) for ref in spec.refs]
        # Fields filled with their default: absent ones, then those set on creation only.
        self.defaults = [f for f in self.value_fields if f.name in absent] + [
            _field(meta, name) for name in spec.on_insert
        ]
        self.key_columns = [q(_field(meta, name).column) for name in spec.key]
        guard_fk = _foreign_key(meta, spec.guard.field) if spec.guard else None
        self.guard_column = q(guard_fk.column) if guard_fk else None
        self.guard_owner = _related(guard_fk) if guard_fk else None
        # What an existing row takes from the batch: neither its key, nor its guarded owner,
        # nor what the batch lacks, nor what is set on creation only.
        fixed = {*self.key_columns, self.guard_column}
        self.updated = [
            q(f.column)
            for f in self.value_fields
            if q(f.column) not in fixed and f.name not in absent
        ] + [q(fk.column) for ref, fk in self.refs if q(fk.column) not in fixed | self._absent_fk]

    @property
    def _absent_fk(self) -> set[str]:
        return {self.q(fk.column) for ref, fk in self.refs if ref.column in self.absent}

    def conflict(self, distinct: str) -> str:
        keys = ", ".join(self.key_columns)
        if not self.updated:
            return f"ON CONFLICT ({keys}) DO NOTHING"
        changed = " OR ".join(f"{self.table}.{c}{distinct}EXCLUDED.{c}" for c in self.updated)
        guard = (
            f" AND {self.table}.{self.guard_column} = EXCLUDED.{self.guard_column}"
            if self.guard_column
            else ""
        )
        return (
            f"ON CONFLICT ({keys}) DO UPDATE SET "
            + ", ".join(f"{c} = EXCLUDED.{c}" for c in self.updated)
            + f" WHERE ({changed}){guard}"
        )

    def default_values(self) -> list[Any]:
        return [_prepared(f, f.get_default()) for f in self.defaults]

    def write(self, lines: Sequence[Line[Any]], result: BatchResult) -> None:
        raise NotImplementedError

    def reject(
        self, result: BatchResult, line: Line[Any], column: str, reason: str | Promise, value: Any
    ) -> None:
        result.reject(line, column, str(reason) % {"value": value})


# ---------------------------------------------------------------- PostgreSQL


class _PostgresPlan(_Plan):
    def __init__(self, spec: StagedUpsert, absent: frozenset[str]) -> None:
        super().__init__(spec, absent)
        q = self.q
        name = "stage_" + _meta(spec).db_table
        stage = f"pg_temp.{q(name)}"
        types = [_stage_type(f) for f in self.value_fields] + ["text"] * len(self.refs)
        columns = [q("line"), *(q(column) for column in spec.staged)]
        self.drop = f"DROP TABLE IF EXISTS {stage}"
        # Dropped with the batch's transaction; a batch nested in an outer transaction (a test,
        # a bulk request) drops the one before first.
        self.create = (
            f"CREATE TEMPORARY TABLE {q(name)} ("
            + ", ".join(f"{c} {t}" for c, t in zip(columns, ["integer", *types], strict=True))
            + ") ON COMMIT DROP"
        )
        self.load = f"COPY {stage} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
        self.copy_types = ["integer", *types]

        # The batch, its references resolved; rows naming an unknown one left out.
        select = [f"s.{q('line')}"]
        target = []
        joins, conditions = [], []
        flags, reject_joins, unknown = [], [], []
        for value_field in self.value_fields:
            column = q(value_field.column)
            target.append(column)
            staged = f"s.{q(value_field.name)}"
            if value_field.name in absent:
                continue  # a default, below
            if value_field.name in spec.keep_if_absent:
                select.append(f"COALESCE({staged}, {_typed_param(value_field)}) AS {column}")
            else:
                select.append(f"{staged} AS {column}")
        for index, (ref, fk) in enumerate(self.refs):
            alias, related = f"r{index}", _related(fk)
            pk = f"{alias}.{q(_pk_column(related))}"
            staged = f"s.{q(ref.column)}"
            join = (
                f"{q(related.db_table)} {alias} "
                f"ON {alias}.{q(_field(related, ref.lookup).column)} = {staged}"
            )
            column = q(fk.column)
            target.append(column)
            if ref.column in absent:
                select.append(f"CAST(NULL AS {fk.db_type(connection)}) AS {column}")
            else:
                select.append(f"{pk} AS {column}")
                joins.append(("JOIN " if ref.required else "LEFT JOIN ") + join)
                if not ref.required:
                    conditions.append(f"({staged} IS NULL OR {pk} IS NOT NULL)")
            reject_joins.append("LEFT JOIN " + join)
            missing = f"{staged} IS NOT NULL AND {pk} IS NULL"
            flags.append(f"CASE WHEN {missing} THEN 1 ELSE 0 END")
            unknown.append(f"({missing})")
        # Defaults, in the order of `self.defaults` (absent values are in `target` already).
        for default_field in self.defaults:
            if default_field.name not in absent:
                target.append(q(default_field.column))
            select.append(f"{_typed_param(default_field)} AS {q(default_field.column)}")
        # The parameters, in the order they appear in the SELECT list.
        self.param_fields = [
            f for f in self.value_fields if f.name in spec.keep_if_absent and f.name not in absent
        ] + self.defaults
        source = (
            f"SELECT {', '.join(select)} FROM {stage} s "
            + " ".join(joins)
            + (" WHERE " + " AND ".join(conditions) if conditions else "")
        )
        self.rejects = (
            f"SELECT s.{q('line')}, {', '.join(flags)} FROM {stage} s "
            + " ".join(reject_joins)
            + f" WHERE {' OR '.join(unknown)} ORDER BY s.{q('line')}"
            if self.refs
            else ""
        )
        insert = (
            f"INSERT INTO {self.table} ({', '.join(target)}) "
            f"SELECT {', '.join(f'src.{c}' for c in target)} FROM ({source}) src "
            + self.conflict(" IS DISTINCT FROM ")
        )
        self.upsert = (
            f"WITH up AS ({insert} RETURNING (xmax = 0) AS created) "
            "SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM up"
        )
        self.copy_new = _NewRowsByCopy(self) if spec.copy_new else None
        self.guard = None
        if spec.guard is not None and self.guard_owner is not None:
            owner, guard = self.guard_owner, self.guard_column
            show = q(_field(owner, spec.guard.show).column)
            key_match = " AND ".join(f"t.{c} = src.{c}" for c in self.key_columns)
            self.guard = (
                f"SELECT src.{q('line')}, o.{show} FROM ({source}) src "
                f"JOIN {self.table} t ON {key_match} "
                f"JOIN {q(owner.db_table)} o ON o.{q(_pk_column(owner))} = t.{guard} "
                f"WHERE t.{guard} <> src.{guard} ORDER BY src.{q('line')}"
            )

    def write(self, lines: Sequence[Line[Any]], result: BatchResult) -> None:
        if self.copy_new is not None:
            lines = self.copy_new.write(lines, result)
            if not lines:
                return
            staged = BatchResult()
            self.upsert_staged(lines, staged)
            result.counts.add(staged.counts)
            result.rejects.extend(staged.rejects)
        else:
            self.upsert_staged(lines, result)

    def upsert_staged(self, lines: Sequence[Line[Any]], result: BatchResult) -> None:
        params = [_prepared(f, f.get_default()) for f in self.param_fields]
        by_number = {}
        with connection.cursor() as cursor:
            cursor.execute(self.drop)
            cursor.execute(self.create)
            with cursor.copy(self.load) as copy:
                copy.set_types(self.copy_types)
                write_row = copy.write_row
                numbers = [line.number for line in lines]
                columns = [_column(lines, index) for index in range(len(self.spec.staged))]
                for row in zip(numbers, *columns, strict=True):
                    write_row(row)
            cursor.execute(self.upsert, params)
            created, updated = cursor.fetchone()
            # Every row written: none was rejected. Otherwise, find out which were and why.
            if created + updated < len(lines):
                by_number = {line.number: line for line in lines}
                if self.rejects:
                    cursor.execute(self.rejects)
                    for number, *flags in cursor.fetchall():
                        ref = self.spec.refs[flags.index(1)]  # the row's first unknown one
                        value = by_number[number].record[self.spec.staged.index(ref.column)]
                        self.reject(result, by_number[number], ref.column, ref.reason, value)
                if self.guard is not None and self.spec.guard is not None:
                    # After the upsert, the batch's own new rows have the batch's owner: only
                    # rows of another owner show up.
                    cursor.execute(self.guard, params)
                    for number, owner in cursor.fetchall():
                        guard = self.spec.guard
                        self.reject(result, by_number[number], guard.column, guard.reason, owner)
        result.counts.created += created
        result.counts.updated += updated
        result.counts.unchanged += len(lines) - result.counts.rejected - created - updated


class _NewRowsByCopy:
    """The fast path for new rows: COPY them straight into the table.

    One query finds which of the batch's keys the table has already; one query per reference
    resolves the external keys the batch names. The rows with a new key and every reference
    known are COPYed (binary) into the table itself: no staging table, no speculative
    insertion. A row naming an unknown reference is rejected as by the staged path. The
    rows whose key exists are returned, for the staged upsert (so a re-run updates or leaves
    them as they are). If another writer inserts one of the keys in the meantime, the COPY
    fails on the unique key: it is rolled back (a savepoint) and the whole batch goes the
    staged way, which settles it row by row.
    """

    def __init__(self, plan: _PostgresPlan) -> None:
        spec = plan.spec
        assert len(spec.key) == 1 and spec.guard is None, "copy_new: a one-column key, no guard"
        q = plan.q
        meta = _meta(spec)
        key_field = _field(meta, spec.key[0])
        self.key_index = spec.staged.index(key_field.name)
        self.exists = (
            f"SELECT {q(key_field.column)} FROM {plan.table} WHERE {q(key_field.column)} = ANY(%s)"
        )
        # The table's columns, in the order of the COPY: the values, each reference's foreign
        # key, then the defaults (absent values and the on-insert fields).
        columns: list[str] = []
        types: list[str] = []
        self.values: list[int] = []  # indexes in the record of the values copied as they are
        self.value_defaults: list[tuple[int, Field[Any, Any]]] = []  # keep_if_absent ones
        for value_field in plan.value_fields:
            if value_field.name in plan.absent:
                continue
            columns.append(q(value_field.column))
            types.append(_copy_type(value_field))
            index = spec.staged.index(value_field.name)
            self.values.append(index)
            if value_field.name in spec.keep_if_absent:
                self.value_defaults.append((len(self.values) - 1, value_field))
        self.lookups: list[tuple[int, Ref, str]] = []  # (index in the record, ref, SQL)
        for ref, fk in plan.refs:
            if ref.column in plan.absent:
                continue
            related = _related(fk)
            lookup = q(_field(related, ref.lookup).column)
            columns.append(q(fk.column))
            types.append(_copy_type(fk))
            self.lookups.append(
                (
                    spec.staged.index(ref.column),
                    ref,
                    f"SELECT {lookup}, {q(_pk_column(related))} FROM {q(related.db_table)} "
                    f"WHERE {lookup} = ANY(%s)",
                )
            )
        self.defaults = plan.defaults
        for default_field in self.defaults:
            columns.append(q(default_field.column))
            types.append(_copy_type(default_field))
        self.types = types
        self.load = f"COPY {plan.table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
        self.plan = plan

    def write(self, lines: Sequence[Line[Any]], result: BatchResult) -> Sequence[Line[Any]]:
        """Copy the batch's new rows; return the lines left for the staged upsert."""
        key_index = self.key_index
        keys = _column(lines, key_index)
        with connection.cursor() as cursor:
            # A batch of a big import is most often all new: when none of a few keys spread
            # over it exists, it is COPYed whole, and the unique key catches a mistake (then
            # the batch is written as if the probe had found keys). The query for every key
            # cost as much as the COPY's inserts (measured: 2 000 000 rows, 8.9 s of 42).
            step = max(1, len(keys) // _PROBES)
            cursor.execute(*_any_of(self.exists, {*keys[::step], keys[-1]}))
            if not cursor.fetchall():
                try:
                    with transaction.atomic():
                        return self.copy(cursor, lines, (), result)
                except (IntegrityError, psycopg.errors.UniqueViolation):
                    pass
            cursor.execute(*_any_of(self.exists, keys))
            existing = {key for (key,) in cursor.fetchall()}
            try:
                with transaction.atomic():
                    return self.copy(cursor, lines, existing, result)
            except (IntegrityError, psycopg.errors.UniqueViolation):
                return lines  # a key inserted meanwhile by another writer: all the staged way

    def copy(
        self,
        cursor: Any,
        lines: Sequence[Line[Any]],
        existing: Collection[Any],
        result: BatchResult,
    ) -> Sequence[Line[Any]]:
        """COPY the lines whose key is not in `existing`; return the others. Rejects and counts
        go to `result` only once the COPY went through."""
        key_index = self.key_index
        new = (
            [line for line in lines if line.record[key_index] not in existing]
            if existing
            else lines
        )
        if not new:
            return lines
        # Column by column: loops in C rather than per row in Python.
        columns: list[Iterable[Any]] = [_column(new, index) for index in self.values]
        for position, default_field in self.value_defaults:
            default = default_field.get_default()
            columns[position] = [default if v is None else v for v in columns[position]]
        bad: dict[int, tuple[Ref, Any]] = {}  # position → the row's first unknown reference
        for index, ref, sql in self.lookups:
            column = _column(new, index)
            wanted = set(column)
            wanted.discard(None)
            cursor.execute(*_any_of(sql, wanted))
            ids = dict(cursor.fetchall())
            found = list(map(ids.get, column))
            if len(ids) < len(wanted):
                for position, (value, pk) in enumerate(zip(column, found, strict=True)):
                    if pk is None and value is not None and position not in bad:
                        bad[position] = (ref, value)
            columns.append(found)
        columns.extend(repeat(f.get_default(), len(new)) for f in self.defaults)
        rows: Iterable[tuple[Any, ...]] = zip(*columns, strict=False)
        if bad:
            rows = [row for position, row in enumerate(rows) if position not in bad]
        with cursor.copy(self.load) as copy:
            copy.set_types(self.types)
            write_row = copy.write_row
            for row in rows:
                write_row(row)
        for position, (ref, value) in sorted(bad.items()):
            self.plan.reject(result, new[position], ref.column, ref.reason, value)
        result.counts.created += len(new) - len(bad)
        if not existing:
            return ()
        return [line for line in lines if line.record[key_index] in existing]


# Keys of a batch probed before it is COPYed whole (`_NewRowsByCopy.write`).
_PROBES = 16


_SEPARATOR = "\x1f"  # ASCII's unit separator


def _any_of(sql: str, values: Collection[Any]) -> tuple[str, list[Any]]:
    """`sql` with its `ANY(%s)` given `values`: as one string the server splits when they are
    text without the separator (the driver quotes one string in C; an array it formats value
    by value in Python: measured, 2.5 µs a row of a batch), else as an array."""
    try:
        joined = _SEPARATOR.join(values)
    except TypeError:
        return sql, [list(values)]
    if values and joined.count(_SEPARATOR) == len(values) - 1:
        return sql.replace("ANY(%s)", "ANY(string_to_array(%s, chr(31)))"), [joined]
    return sql, [list(values)]


# ---------------------------------------------------------------- SQLite


class _SQLitePlan(_Plan):
    def __init__(self, spec: StagedUpsert, absent: frozenset[str]) -> None:
        super().__init__(spec, absent)
        q = self.q
        # Each value: its index in the record, how to store it, the field whose default
        # replaces None.
        self.values = [
            (spec.staged.index(f.name), _adapter(f), f if f.name in spec.keep_if_absent else None)
            for f in self.value_fields
            if f.name not in absent
        ]
        self.lookups = []  # (index in the record, ref, SQL) of each reference to resolve
        target = [q(f.column) for f in self.value_fields if f.name not in absent]
        for ref, fk in self.refs:
            related = _related(fk)
            target.append(q(fk.column))
            self.lookups.append(
                (
                    spec.staged.index(ref.column),
                    ref,
                    f"SELECT j.value, r.{q(_pk_column(related))} FROM json_each(%s) AS j "
                    f"CROSS JOIN {q(related.db_table)} AS r "
                    f"ON r.{q(_field(related, ref.lookup).column)} = j.value",
                )
            )
        target += [q(f.column) for f in self.defaults]
        self.width = len(target)
        self.insert = f"INSERT INTO {self.table} ({', '.join(target)}) VALUES "
        self.row = f"({', '.join(['%s'] * len(target))})"
        self.on_conflict = " " + self.conflict(" IS NOT ")
        # Where the key's fields are in a written row, and which of them exist already.
        self.key_positions = [target.index(c) for c in self.key_columns]
        owner = ""
        join = ""
        if self.guard_owner is not None and self.spec.guard is not None:
            show = q(_field(self.guard_owner, self.spec.guard.show).column)
            owner = f", t.{self.guard_column}, o.{show}"
            join = (
                f" JOIN {q(self.guard_owner.db_table)} AS o "
                f"ON o.{q(_pk_column(self.guard_owner))} = t.{self.guard_column}"
            )
            self.guard_position: int | None = target.index(self.guard_column or "")
        else:
            self.guard_position = None
        if len(self.key_columns) == 1:
            match = f"t.{self.key_columns[0]} = j.value"
        else:
            match = " AND ".join(
                f"t.{c} = json_extract(j.value, '$[{i}]')" for i, c in enumerate(self.key_columns)
            )
        pk = q(_pk_column(_meta(spec)))
        self.last_id = f"SELECT max({pk}) FROM {self.table}"
        self.created_since = f"SELECT count(*) FROM {self.table} WHERE {pk} > %s"
        self.existing = (
            f"SELECT {', '.join(f't.{c}' for c in self.key_columns)}{owner} "
            f"FROM json_each(%s) AS j CROSS JOIN {self.table} AS t ON {match}{join}"
        )

    def write(self, lines: Sequence[Line[Any]], result: BatchResult) -> None:
        with connection.cursor() as cursor:
            resolved: list[tuple[int, Ref, dict[Any, Any] | None, int]] = []
            for index, ref, sql in self.lookups:
                if ref.column in self.absent:
                    resolved.append((index, ref, None, 0))
                    continue
                wanted = set(_column(lines, index)) - {None}
                cursor.execute(sql, [json.dumps(list(wanted))])
                resolved.append((index, ref, dict(cursor.fetchall()), len(wanted)))
            # Column by column (loops in C rather than per row in Python).
            count = len(lines)
            columns: list[Sequence[Any]] = []
            for index, adapt, default_field in self.values:
                # Times sent as UTC text by the cleaning process: the text is the value.
                text = lines.utc_text(index) if isinstance(lines, LineColumns) else None
                if text is not None and adapt is _sqlite_datetime:
                    column, adapt = text, None
                else:
                    column = _column(lines, index)
                if default_field is not None:
                    default = _prepared(default_field, default_field.get_default())
                    column = [default if value is None else value for value in column]
                if adapt is not None:
                    column = [value if value is None else adapt(value) for value in column]
                columns.append(column)
            bad: dict[int, tuple[Ref, Any]] = {}  # position → the row's first unknown reference
            for index, ref, ids, wanted_count in resolved:
                if ids is None:
                    columns.append([None] * count)
                    continue
                column = _column(lines, index)
                found = list(map(ids.get, column))  # None stays None
                if len(ids) < wanted_count:  # some value names nothing: find its rows
                    for position, (value, pk) in enumerate(zip(column, found, strict=True)):
                        if pk is None and value is not None and position not in bad:
                            bad[position] = (ref, value)
                columns.append(found)
            for default in self.default_values():
                columns.append([default] * count)
            if not bad and self.guard_position is None:
                # The statements' parameters straight from the columns, row after row (slice
                # assignments, in C: no tuple per row).
                flat: list[Any] = [None] * (count * self.width)
                for position, values in enumerate(columns):
                    flat[position :: self.width] = values
                self.upsert_counted(cursor, flat, len(lines), result)
                return
            rows = list(zip(*columns, strict=True))
            if bad:
                for position, (ref, value) in sorted(bad.items()):
                    self.reject(result, lines[position], ref.column, ref.reason, value)
                rows = [row for position, row in enumerate(rows) if position not in bad]
            if self.guard_position is None:
                self.upsert_counted(cursor, list(chain.from_iterable(rows)), len(lines), result)
                return
            key_positions = self.key_positions
            if len(key_positions) == 1:
                keys: list[Any] = [row[key_positions[0]] for row in rows]
                payload: list[Any] = keys
            else:
                keys = [tuple(row[p] for p in key_positions) for row in rows]
                payload = keys
            cursor.execute(self.existing, [json.dumps(payload)])
            width = len(key_positions)
            existing = {
                (found[0] if width == 1 else tuple(found[:width])): found[width:]
                for found in cursor.fetchall()
            }
            created = sum(1 for key in keys if key not in existing)
            writes = rows
            if existing and self.guard_position is not None and self.spec.guard is not None:
                guard, at = self.spec.guard, self.guard_position
                writes = []
                # The lines written (made one by one from a `LineColumns`: only here).
                kept = [line for position, line in enumerate(lines) if position not in bad]
                for line, row, key in zip(kept, rows, keys, strict=True):
                    owner = existing.get(key)
                    if owner is not None and owner[0] != row[at]:
                        self.reject(result, line, guard.column, guard.reason, owner[1])
                    else:
                        writes.append(row)
            written = self.upsert(cursor, list(chain.from_iterable(writes)))
        result.counts.created += created
        result.counts.updated += written - created
        result.counts.unchanged += len(lines) - result.counts.rejected - written

    def upsert_counted(self, cursor: Any, flat: list[Any], lines: int, result: BatchResult) -> None:
        """`upsert`, without a guard. Which keys exist matters only for the counts: the rows
        created are those with a rowid above the greatest before (the batch's transaction holds
        the write lock), counted in the table's rowid order without a query by key."""
        cursor.execute(self.last_id)
        (before,) = cursor.fetchone()
        written = self.upsert(cursor, flat)
        cursor.execute(self.created_since, [before or 0])
        (created,) = cursor.fetchone()
        result.counts.created += created
        result.counts.updated += written - created
        result.counts.unchanged += lines - result.counts.rejected - written

    def upsert(self, cursor: Any, flat: list[Any]) -> int:
        """Write the rows whose values follow one another in `flat`, many per statement: the
        database works longer at each step (when the driver lets other threads run) and Python
        binds parameters in bulk."""
        width = self.width
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per_statement = max(1, min(_ROWS_PER_STATEMENT, limit // width))
        count = len(flat) // width
        whole = (count - count % per_statement) * width
        step = per_statement * width
        written = 0
        if whole:
            cursor.executemany(
                self.statement(per_statement),
                [flat[start : start + step] for start in range(0, whole, step)],
            )
            written += cursor.rowcount
        if whole < len(flat):
            cursor.execute(self.statement(count - whole // width), flat[whole:])
            written += cursor.rowcount
        return written

    def statement(self, rows: int) -> str:
        return self.insert + ", ".join([self.row] * rows) + self.on_conflict


# ---------------------------------------------------------------- the models' metadata


def _meta(spec: StagedUpsert) -> Options[Model]:
    return spec.model._meta


def _field(meta: Options[Model], name: str) -> Field[Any, Any]:
    found = meta.get_field(name)
    assert isinstance(found, Field)
    return found


def _foreign_key(meta: Options[Model], name: str) -> ForeignKey[Any, Any]:
    found = meta.get_field(name)
    assert isinstance(found, ForeignKey), f"{meta.db_table}.{name} is not a foreign key"
    return found


def _related(fk: ForeignKey[Any, Any]) -> Options[Model]:
    model = fk.related_model
    assert isinstance(model, type) and issubclass(model, Model)
    return model._meta


def _pk_column(meta: Options[Model]) -> str:
    assert meta.pk is not None
    return str(meta.pk.column)


def _stage_type(model_field: Field[Any, Any]) -> str:
    if model_field.get_internal_type() in _TEXT_TYPES:
        return "text"
    db_type = model_field.db_type(connection)
    assert db_type is not None
    return db_type


def _copy_type(model_field: Field[Any, Any]) -> str:
    """The type a binary COPY sends a field's values as: the column's own."""
    db_type = model_field.db_type(connection)
    assert db_type is not None
    return db_type.split("(")[0]


def _typed_param(model_field: Field[Any, Any]) -> str:
    """A PostgreSQL parameter typed as the field (an untyped one would be text)."""
    return f"CAST(%s AS {_stage_type(model_field)})"


def _adapter(model_field: Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a value of this field is given to the database, where the driver's own way differs
    from what Django stores. (A binary COPY adapts values by the staging table's types.)"""
    kind = model_field.get_internal_type()
    if kind == "JSONField":
        return json.dumps
    if connection.vendor == "sqlite" and kind == "DateTimeField":
        return _sqlite_datetime
    if connection.vendor == "sqlite" and kind == "DateField":
        return dt.date.isoformat
    return None


def _prepared(model_field: Field[Any, Any], value: Any) -> Any:
    adapt = _adapter(model_field)
    return adapt(value) if adapt is not None and value is not None else value


def _sqlite_datetime(value: dt.datetime) -> str:
    # As Django stores it on SQLite: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]".
    return utc_text(value)


def _column(lines: Sequence[Line[Any]], index: int) -> list[Any]:
    """The records' values at `index`, in line order (as they came, from a `LineColumns`:
    don't change the list)."""
    if isinstance(lines, LineColumns):
        return lines.column(index)
    return [line.record[index] for line in lines]

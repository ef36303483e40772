"""Staged upserts: a batch of cleaned rows written set-based, with the same SQL on both databases.

A kind describes its target once (`StagedUpsert`: the model, its key, the columns copied, the
references to resolve) and hands each batch of cleaned records to `staged_upsert`, which runs in
the batch's transaction:

1. the records go into a temporary staging table with their line numbers — on PostgreSQL with
   `COPY ... FROM STDIN`, on SQLite with one `executemany`;
2. references (a customer, a unit... named by an external key) are resolved by join; rows that
   name an unknown one come back as rejects with their lines and the field at fault;
3. a guard, if any, rejects rows that would take an existing row from its owner (an identifier
   that belongs to another customer);
4. `INSERT ... SELECT ... ON CONFLICT (key) DO UPDATE SET ... WHERE (columns) IS DISTINCT FROM
   (new values)` writes new and changed rows only. PostgreSQL tells created from updated rows by
   `RETURNING (xmax = 0)`; SQLite counts the batch's keys that exist beforehand. Unchanged rows
   are the rest.

The SQL is built from the models' `_meta` (tables, columns, types), so it follows the models.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, ForeignKey, Model
from django.db.models.options import Options
from django.utils.functional import Promise

from symetrie.core.importing.contract import BatchResult, Line

T = TypeVar("T", bound=tuple[Any, ...])
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
    copied as they are), then each `Ref.column`. `key` names the fields (values or references'
    foreign keys) of a unique constraint. A staged column listed in `keep_if_absent` that is None
    in every record of a batch (its column was not in the file) is left as it is on existing rows
    and takes the field's default on new ones; None in only some records means the default.
    `on_insert` fields get their default when a row is created and are never updated.
    """

    model: type[Model]
    key: tuple[str, ...]
    values: tuple[str, ...]
    refs: tuple[Ref, ...] = ()
    guard: Guard | None = None
    keep_if_absent: tuple[str, ...] = ()
    on_insert: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ()
    _sql_cache: dict[tuple[str, frozenset[str]], _Statements] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def staged(self) -> tuple[str, ...]:
        return (*self.values, *(ref.column for ref in self.refs))

    @cached_property
    def table(self) -> str:
        return self.model._meta.db_table

    def model_field(self, name: str) -> Field[Any, Any]:
        found = self.model._meta.get_field(name)
        assert isinstance(found, Field)
        return found


@dataclass(frozen=True)
class _Statements:
    create: str
    drop: str
    load: str
    copy_types: tuple[str, ...]  # PostgreSQL: the staging table's types, for a binary COPY
    rejects: str
    guard: str | None
    count_existing: str | None  # SQLite: the batch's valid rows, and those whose key exists
    upsert: str
    params: Callable[[], list[Any]]  # the parameters of `source` (defaults), in order
    adapters: tuple[tuple[int, Callable[[Any], Any]], ...]  # SQLite: values as Django stores them


def staged_upsert(spec: StagedUpsert, lines: Sequence[Line[T]]) -> BatchResult:
    """Write one batch (in the caller's transaction); see the module's docstring."""
    result = BatchResult()
    if not lines:
        return result
    postgres = connection.vendor == "postgresql"
    absent = frozenset(
        name
        for name, index in ((name, spec.staged.index(name)) for name in spec.keep_if_absent)
        if all(line.record[index] is None for line in lines)
    )
    sql = _statements(spec, absent)
    width = len(spec.staged)
    assert len(lines[0].record) == width, f"a {spec.table} record has {width} staged columns"
    params = sql.params()
    by_number: dict[int, Line[T]] = {}

    def reject(number: int, column: str, reason: str | Promise, value: Any) -> None:
        if not by_number:
            by_number.update((line.number, line) for line in lines)
        line = by_number[number]
        if value is None:  # a reference: the value is the record's own
            value = line.record[spec.staged.index(column)]
        result.reject(line, column, str(reason) % {"value": value})

    with connection.cursor() as cursor:
        cursor.execute(sql.drop)
        cursor.execute(sql.create)
        if postgres:
            with cursor.copy(sql.load) as copy:
                copy.set_types(sql.copy_types)
                write_row = copy.write_row
                for line in lines:
                    write_row((line.number, *line.record))
        else:
            rows = [(line.number, *line.record) for line in lines]
            if sql.adapters:
                rows = [_adapt(row, sql.adapters) for row in rows]
            cursor.executemany(sql.load, rows)
        if postgres:
            cursor.execute(sql.upsert, params)
            created, updated = cursor.fetchone()
            written = created + updated
        else:
            assert sql.count_existing is not None
            cursor.execute(sql.count_existing, params)
            valid, existing = cursor.fetchone()
            cursor.execute(sql.upsert, params)
            written = cursor.rowcount
            created = valid - (existing or 0)
            updated = written - created
        # Every row written: none was rejected. Otherwise find out which were, and why.
        if written < len(lines) and sql.rejects:
            cursor.execute(sql.rejects)
            for number, *flags in cursor.fetchall():
                ref = spec.refs[flags.index(1)]  # the first unknown reference of the row
                reject(number, ref.column, ref.reason, None)
        if written < len(lines) and spec.guard is not None and sql.guard is not None:
            # After the upsert, the batch's own new rows have the batch's owner: only rows
            # owned by another show up.
            cursor.execute(sql.guard, params)
            for number, owner in cursor.fetchall():
                reject(number, spec.guard.column, spec.guard.reason, owner)
        if not postgres:
            cursor.execute(sql.drop)
    result.counts.created += created
    result.counts.updated += updated
    result.counts.unchanged += len(lines) - result.counts.rejected - created - updated
    return result


def _adapt(
    row: tuple[Any, ...], adapters: tuple[tuple[int, Callable[[Any], Any]], ...]
) -> tuple[Any, ...]:
    values = list(row)
    for index, adapt in adapters:
        value = values[index]
        if value is not None:
            values[index] = adapt(value)
    return tuple(values)


# ---------------------------------------------------------------- building the SQL


def _statements(spec: StagedUpsert, absent: frozenset[str]) -> _Statements:
    vendor = connection.vendor
    cached = spec._sql_cache.get((vendor, absent))
    if cached is None:
        cached = _build(spec, absent, vendor)
        spec._sql_cache[(vendor, absent)] = cached
    return cached


def _build(spec: StagedUpsert, absent: frozenset[str], vendor: str) -> _Statements:
    q = connection.ops.quote_name
    postgres = vendor == "postgresql"
    table = q(spec.table)
    stage_name = f"stage_{spec.table}"
    stage = ("pg_temp." if postgres else "temp.") + q(stage_name)
    value_fields = [spec.model_field(name) for name in spec.values]
    refs = [(ref, _foreign_key(spec, ref.field)) for ref in spec.refs]

    # The staging table: the line, then each staged column.
    staged_types = [_stage_type(f) for f in value_fields] + ["text"] * len(refs)
    staged_cols = [q(name) for name in spec.staged]
    # PostgreSQL drops it with the batch's transaction; a batch nested in an outer transaction
    # (the tests, a bulk request) drops the previous one's first.
    create = (
        f"CREATE TEMPORARY TABLE {q(stage_name)} ({q('line')} integer, "
        + ", ".join(f"{c} {t}" for c, t in zip(staged_cols, staged_types, strict=True))
        + (") ON COMMIT DROP" if postgres else ")")
    )
    drop = f"DROP TABLE IF EXISTS {stage}"
    columns = ", ".join([q("line"), *staged_cols])
    if postgres:
        load = f"COPY {stage} ({columns}) FROM STDIN (FORMAT BINARY)"
    else:
        placeholders = ", ".join(["%s"] * (len(staged_cols) + 1))
        load = f"INSERT INTO {stage} ({columns}) VALUES ({placeholders})"

    # The resolved rows: target columns, references joined; rows with an unknown reference out.
    select: list[str] = []  # (expression AS target column)
    target: list[str] = []  # target columns, in the order of `select`
    param_fields: list[Field[Any, Any]] = []
    joins: list[str] = []
    conditions: list[str] = []
    reject_flags: list[str] = []
    reject_conditions: list[str] = []
    reject_joins: list[str] = []
    for value_field in value_fields:
        column = q(value_field.column)
        target.append(column)
        staged = f"s.{q(value_field.name)}"
        if value_field.name in absent:
            select.append(f"{_param(value_field, postgres)} AS {column}")
            param_fields.append(value_field)
        elif value_field.name in spec.keep_if_absent:
            select.append(f"COALESCE({staged}, {_param(value_field, postgres)}) AS {column}")
            param_fields.append(value_field)
        else:
            select.append(f"{staged} AS {column}")
    for index, (ref, fk) in enumerate(refs):
        alias = f"r{index}"
        related = _related(fk)
        lookup = q(_column_of(related, ref.lookup))
        staged = f"s.{q(ref.column)}"
        join = f"{q(related.db_table)} {alias} ON {alias}.{lookup} = {staged}"
        column = q(fk.column)
        target.append(column)
        if ref.column in absent:
            select.append(f"CAST(NULL AS {fk.db_type(connection)}) AS {column}")
        else:
            select.append(f"{alias}.{q(related.pk.column)} AS {column}")
            joins.append(("JOIN " if ref.required else "LEFT JOIN ") + join)
            if not ref.required:
                conditions.append(
                    f"({staged} IS NULL OR {alias}.{q(related.pk.column)} IS NOT NULL)"
                )
        reject_joins.append("LEFT JOIN " + join)
        missing = f"{staged} IS NOT NULL AND {alias}.{q(related.pk.column)} IS NULL"
        reject_flags.append(f"CASE WHEN {missing} THEN 1 ELSE 0 END")
        reject_conditions.append(f"({missing})")
    for name in spec.on_insert:
        on_insert_field = spec.model_field(name)
        target.append(q(on_insert_field.column))
        select.append(f"{_param(on_insert_field, postgres)} AS {q(on_insert_field.column)}")
        param_fields.append(on_insert_field)
    source = (
        f"SELECT s.{q('line')} AS {q('line')}, {', '.join(select)} FROM {stage} s "
        + " ".join(joins)
        + (" WHERE " + " AND ".join(conditions) if conditions else "")
    )

    rejects = (
        f"SELECT s.{q('line')}, {', '.join(reject_flags)} FROM {stage} s "
        + " ".join(reject_joins)
        + " WHERE "
        + " OR ".join(reject_conditions)
        + f" ORDER BY s.{q('line')}"
        if refs
        else ""
    )

    key_columns = [q(_column(spec, name)) for name in spec.key]
    key_match = " AND ".join(f"t.{c} = src.{c}" for c in key_columns)

    guard_sql: str | None = None
    guard_column: str | None = None
    if spec.guard is not None:
        owner_fk = _foreign_key(spec, spec.guard.field)
        owner = _related(owner_fk)
        guard_column = q(owner_fk.column)
        show = q(_column_of(owner, spec.guard.show))
        guard_sql = (
            f"SELECT src.{q('line')}, o.{show} FROM ({source}) src "
            f"JOIN {table} t ON {key_match} "
            f"JOIN {q(owner.db_table)} o ON o.{q(owner.pk.column)} = t.{guard_column} "
            f"WHERE t.{guard_column} <> src.{guard_column} ORDER BY src.{q('line')}"
        )

    # What an existing row takes from the batch: neither its key, nor its guarded owner, nor
    # what the batch lacks, nor what is set on creation only.
    fixed = {*key_columns, *([guard_column] if guard_column else [])}
    on_insert_columns = {q(_column(spec, name)) for name in spec.on_insert}
    absent_columns = {q(_column(spec, name)) for name in absent if name in spec.values} | {
        q(fk.column) for ref, fk in refs if ref.column in absent
    }
    updated = [c for c in target if c not in fixed | on_insert_columns | absent_columns]
    distinct = " IS DISTINCT FROM " if postgres else " IS NOT "
    if updated:
        conflict = (
            f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET "
            + ", ".join(f"{c} = EXCLUDED.{c}" for c in updated)
            + " WHERE ("
            + " OR ".join(f"{table}.{c}{distinct}EXCLUDED.{c}" for c in updated)
            + ")"
            + (f" AND {table}.{guard_column} = EXCLUDED.{guard_column}" if guard_column else "")
        )
    else:
        conflict = f"ON CONFLICT ({', '.join(key_columns)}) DO NOTHING"
    order = ", ".join(f"src.{q(_column(spec, name))}" for name in spec.order_by)
    insert = (
        f"INSERT INTO {table} ({', '.join(target)}) "
        f"SELECT {', '.join(f'src.{c}' for c in target)} FROM ({source}) src WHERE true "
        + (f"ORDER BY {order} " if order else "")
        + conflict
    )
    if postgres:
        upsert = (
            f"WITH up AS ({insert} RETURNING (xmax = 0) AS created) "
            "SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM up"
        )
        count_existing = None
    else:
        upsert = insert
        count_existing = (
            f"SELECT count(*), sum(CASE WHEN EXISTS (SELECT 1 FROM {table} t WHERE {key_match}) "
            f"THEN 1 ELSE 0 END) FROM ({source}) src"
        )

    adapters = tuple(
        (index + 1, adapter)
        for index, value_field in enumerate(value_fields)
        if not postgres and (adapter := _adapter(value_field, vendor)) is not None
    )
    defaults = tuple(param_fields)

    def params() -> list[Any]:
        values = []
        for default_field in defaults:
            value = default_field.get_default()
            adapter = _adapter(default_field, vendor)
            values.append(adapter(value) if adapter is not None and value is not None else value)
        return values

    return _Statements(
        create=create,
        drop=drop,
        load=load,
        rejects=rejects,
        guard=guard_sql,
        count_existing=count_existing,
        upsert=upsert,
        copy_types=("integer", *staged_types),
        params=params,
        adapters=adapters,
    )


def _foreign_key(spec: StagedUpsert, name: str) -> ForeignKey[Any, Any]:
    found = spec.model._meta.get_field(name)
    assert isinstance(found, ForeignKey), f"{spec.table}.{name} is not a foreign key"
    return found


def _related(fk: ForeignKey[Any, Any]) -> Options[Model]:
    model = fk.related_model
    assert isinstance(model, type) and issubclass(model, Model)
    return model._meta


def _column_of(meta: Options[Model], name: str) -> str:
    found = meta.get_field(name)
    assert isinstance(found, Field)
    return str(found.column)


def _column(spec: StagedUpsert, name: str) -> str:
    found = spec.model_field(name)
    return str(found.column)


def _param(model_field: Field[Any, Any], postgres: bool) -> str:
    """A parameter placeholder, typed on PostgreSQL (an untyped one would be text)."""
    return f"CAST(%s AS {_stage_type(model_field)})" if postgres else "%s"


def _stage_type(model_field: Field[Any, Any]) -> str:
    if model_field.get_internal_type() in _TEXT_TYPES:
        return "text"
    db_type = model_field.db_type(connection)
    assert db_type is not None
    return db_type


def _adapter(model_field: Field[Any, Any], vendor: str) -> Callable[[Any], Any] | None:
    """How a Python value of this field is passed to SQLite (rows and parameters) or PostgreSQL
    (parameters; a binary COPY adapts by the staging table's types), where the driver's own
    adaptation differs from what Django stores."""
    kind = model_field.get_internal_type()
    if kind == "JSONField":
        return json.dumps
    if vendor == "sqlite" and kind == "DateTimeField":
        return _sqlite_datetime
    if vendor == "sqlite" and kind == "DateField":
        return dt.date.isoformat
    return None


def _sqlite_datetime(value: dt.datetime) -> str:
    # As Django stores it on SQLite: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]".
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")

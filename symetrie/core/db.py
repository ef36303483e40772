"""Database helpers shared by the bulk writes and the hot reads."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


def update_many(objs: Sequence[models.Model], fields: Sequence[str]) -> int:
    """UPDATE each object's `fields` by primary key, with one executemany.

    Django's bulk_update builds one CASE WHEN per field and per object, whose cost grows with
    the square of the batch; a prepared UPDATE run for every row stays linear.
    """
    if not objs:
        return 0
    model = type(objs[0])
    meta = model._meta
    columns = [cast("models.Field[Any, Any]", meta.get_field(name)) for name in fields]
    pk = meta.pk
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"
    rows: list[list[Any]] = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns]
        + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)


def read_models(
    model: type[M],
    sql: str,
    params: Sequence[object],
    *,
    related: Mapping[str, type[models.Model]] | None = None,
) -> list[M]:
    """The models one hand-written SELECT reads, as `Model.objects.raw()` makes them (each
    column converted by the backend and the field, as the ORM does), for the hot reads.

    A column named as one of the model's columns fills that field; `{path}__{column}` fills
    the field of the model reached through the foreign keys of `path` ("unit", or
    "unit__parent"), given in `related` with that model: it is cached on the object as
    `select_related` caches it (None for a LEFT JOIN that found nothing). Any other column is
    set as an attribute, unconverted. `raw()` works the mapping out again on every query
    (~100 µs on the customer's screen, for each of its reads); here once per SELECT.
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, cast("Sequence[Any]", params))
        columns = _column_names(cursor)
        rows = cursor.fetchall()
    plan = _plan(connection.vendor, model, columns, tuple(sorted((related or {}).items())))
    db = connection.alias
    found: list[M] = []
    for row in rows:
        obj = cast("M", plan.main.build(db, row))
        made: dict[str, models.Model | None] = {"": obj}
        for part in plan.related:  # each after the one it hangs from
            owner = made[part.owner]
            other = part.build(db, row) if row[part.pk] is not None else None
            made[part.path] = other
            if owner is not None:
                part.field.set_cached_value(owner, other)
        for index, attribute in plan.extra:
            setattr(obj, attribute, row[index])
        found.append(obj)
    return found


def _column_names(cursor: Any) -> tuple[str, ...]:
    """The names of the result's columns. psycopg's `description` makes an object of each
    (~1.5 µs a column: 0.2 ms for the screen's reads); its result gives the names alone."""
    result = getattr(cursor.cursor, "pgresult", None)
    if result is not None:
        return tuple(result.fname(index).decode() for index in range(result.nfields))
    return tuple(column[0] for column in cursor.description)


def columns_of(model: type[models.Model], alias: str, *, related: str = "") -> str:
    """`alias.col, ...` of every column of the model, named `{related}__col` for `related`:
    the SELECT list of a model that `read_models` reads through a join."""
    quote = connection.ops.quote_name
    prefix = f"{related}__" if related else ""
    return ", ".join(
        f"{alias}.{quote(field.column)} AS {quote(prefix + field.column)}"
        for field in model._meta.concrete_fields
    )


class _Part:
    """How to make one model out of some columns of a row."""

    def __init__(
        self, model: type[models.Model], fields: list[tuple[int, models.Field[Any, Any]]]
    ) -> None:
        self.model = model
        # In the model's order, which `from_db` expects, whatever the SELECT's.
        order = {field: rank for rank, field in enumerate(model._meta.concrete_fields)}
        fields = sorted(fields, key=lambda pair: order[pair[1]])
        self.names = [field.attname for _, field in fields]
        table = model._meta.db_table
        self.columns: list[tuple[int, list[Any], Any]] = []
        for index, field in fields:
            expression = field.get_col(table)
            converters = connection.ops.get_db_converters(expression)
            converters += field.get_db_converters(connection)  # type: ignore[attr-defined]
            self.columns.append((index, converters, expression))
        pk = model._meta.pk
        self.pk = next(index for index, field in fields if field is pk)
        # For a related model: its path, the path of the model it hangs from ("" the main
        # one) and the foreign key of that model that reaches it.
        self.path = self.owner = ""
        self.field: Any = None

    def build(self, db: str, row: Sequence[Any]) -> models.Model:
        values = []
        for index, converters, expression in self.columns:
            value = row[index]
            for convert in converters:
                value = convert(value, expression, connection)
            values.append(value)
        return self.model.from_db(db, self.names, values)


class _Plan:
    def __init__(self, main: _Part, related: list[_Part], extra: list[tuple[int, str]]) -> None:
        self.main = main
        self.related = related
        self.extra = extra


def _columns(model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    return {field.column: field for field in model._meta.concrete_fields}


@functools.cache
def _plan(
    vendor: str,
    model: type[models.Model],
    columns: tuple[str, ...],
    related: tuple[tuple[str, type[models.Model]], ...],
) -> _Plan:
    by_column = _columns(model)
    # The longest path first, so that "unit__parent__path" is the parent's and not the unit's.
    paths = sorted(related, key=lambda pair: -len(pair[0]))
    main: list[tuple[int, models.Field[Any, Any]]] = []
    joined: dict[str, list[tuple[int, models.Field[Any, Any]]]] = {name: [] for name, _ in related}
    extra: list[tuple[int, str]] = []
    taken: set[str] = set()
    for index, column in enumerate(columns):
        for name, other in paths:
            rest = column.removeprefix(f"{name}__")
            if rest != column and rest in (fields := _columns(other)):
                joined[name].append((index, fields[rest]))
                break
        else:
            if column in by_column and column not in taken:
                taken.add(column)
                main.append((index, by_column[column]))
            else:
                extra.append((index, column))
    owners = dict(related)
    parts = []
    for name, other in sorted(related, key=lambda pair: pair[0].count("__")):
        part = _Part(other, joined[name])
        part.path = name
        part.owner, _, attribute = name.rpartition("__")
        part.field = (owners[part.owner] if part.owner else model)._meta.get_field(attribute)
        parts.append(part)
    return _Plan(_Part(model, main), parts, extra)

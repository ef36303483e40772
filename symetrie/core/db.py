"""Database helpers shared by the bulk writes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.db import connection, models


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

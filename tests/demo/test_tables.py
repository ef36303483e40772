"""The demo's fast writer: instants in the database's text form, indexes dropped for a big
load come back exactly as they were."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from symetrie.customers.models import Customer, Delivery, HandoffNote, Identity, Interaction
from symetrie.demo import tables
from symetrie.demo.builder import build
from tests.demo.conftest import TEST_SIZE, dump_customers

pytestmark = pytest.mark.usefixtures("db")
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="indexes are dropped on PostgreSQL only"
)
MODELS = [Customer, Identity, Interaction, Delivery, HandoffNote]


def test_clock_writes_utc_instants_as_the_database_reads_them():
    clock = tables.Clock()
    moment = dt.datetime(2025, 3, 30, 1, 59, 7, tzinfo=dt.UTC)  # the night clocks go forward

    text = clock.text(int(moment.timestamp()))

    suffix = "+00" if connection.vendor == "postgresql" else ""
    assert text == f"2025-03-30 01:59:07{suffix}"
    assert clock.text(0) == f"1970-01-01 00:00:00{suffix}"


def schema() -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    names = [model._meta.db_table for model in MODELS]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1",
            [names],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), "
            "condeferrable, condeferred FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [names],
        )
        constraints = cursor.fetchall()
    return indexes, constraints


@postgresql_only
def test_indexes_and_constraints_come_back_as_they_were():
    before = schema()

    with transaction.atomic(), tables.deferred_indexes(MODELS, rows=10**9):
        during = schema()

    assert len(during[0]) == len(MODELS)  # only the primary keys
    assert schema() == before


@postgresql_only
def test_a_build_with_deferred_indexes_writes_the_same_data(monkeypatch):
    def build_and_dump() -> dict[str, list[tuple[object, ...]]]:
        with transaction.atomic():
            build(seed=42, today=dt.date(2025, 6, 16), size=TEST_SIZE)
            data = dump_customers()
            transaction.set_rollback(True)
        return data

    direct = build_and_dump()
    monkeypatch.setattr(tables, "DEFER_INDEXES_FROM", 0)

    assert build_and_dump() == direct

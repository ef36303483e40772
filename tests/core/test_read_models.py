"""`read_models` makes the same models as the ORM, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from symetrie.core.db import columns_of, read_models
from symetrie.customers.models import Campaign, Customer, Interaction
from symetrie.customers.selectors import serving_unit
from symetrie.customers.services import customer_create, interaction_log
from symetrie.org.models import Employee, Role, Unit
from symetrie.org.selectors import employee_for

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict[str, object]:
    return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}


def test_every_kind_of_field_converts_as_the_orm_converts_it(org, frontline):
    # Dates, JSON, decimals, booleans, time-zone-aware datetimes: each backend returns them
    # its own way, and each must come out as the ORM gives it.
    today = timezone.localdate()
    Campaign.objects.create(
        external_id="CMP-1",
        name="Livret",
        channel="email",
        message="Bonjour",
        audience_segments=["premium", "young"],
        internal_launch=today,
        external_launch=today + dt.timedelta(days=1),
        end=today + dt.timedelta(days=9),
    )
    customer = customer_create(external_id="C-1", first_name="A", last_name="B")
    when = dt.datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=dt.UTC)
    interaction_log(
        actor=frontline, customer=customer, channel="phone", subject="Appel", occurred_at=when
    )

    for model in (Campaign, Role, Unit, Customer, Interaction, Employee):
        table = model._meta.db_table
        made = read_models(model, f"SELECT * FROM {table} ORDER BY id", [])
        expected = list(model._default_manager.order_by("id"))
        assert [_fields(obj) for obj in made] == [_fields(obj) for obj in expected], model
        assert all(not obj._state.adding for obj in made)

    (read,) = read_models(Interaction, f"SELECT * FROM {Interaction._meta.db_table}", [])
    assert read.occurred_at == when and read.occurred_at.utcoffset() == dt.timedelta(0)
    (advisor,) = read_models(
        Role, f"SELECT * FROM {Role._meta.db_table} WHERE code = 'advisor'", []
    )
    assert advisor.goodwill_max_eur == Decimal("50.00") and advisor.decisions == ["report"]


def test_columns_in_any_order_and_the_others_as_attributes(org):
    table = Unit._meta.db_table
    sql = f"SELECT name, 7 * depth AS weight, path, id, code FROM {table} WHERE code = %s"

    (unit,) = read_models(Unit, sql, ["AG-LIL"])

    assert (unit.pk, unit.code, unit.name, unit.path) == (
        org.lille.pk,
        "AG-LIL",
        "Agence Lille",
        org.lille.path,
    )
    assert unit.weight == 7 * org.lille.depth
    # The columns not read are deferred, as with `only()`: read on access.
    assert unit.get_deferred_fields() == {"kind", "parent_id", "depth"}
    assert unit.kind == "agency"


def test_joined_models_are_cached_as_select_related_caches_them(org, frontline):
    table = Employee._meta.db_table
    sql = (
        f"SELECT {columns_of(Employee, 'e')}, {columns_of(Unit, 'p', related='unit')} "
        f"FROM {table} e LEFT JOIN {Unit._meta.db_table} p ON p.id = e.unit_id AND p.kind = %s"
    )

    (through_agency,) = read_models(Employee, sql, ["agency"], related={"unit": Unit})
    (through_nothing,) = read_models(Employee, sql, ["store"], related={"unit": Unit})

    assert _fields(through_agency.unit) == _fields(org.lille)
    assert through_agency.unit_id == org.lille.pk
    # Nothing joined: the relation is known to be empty, and no query reads it.
    assert Employee.unit.is_cached(through_nothing)  # type: ignore[attr-defined]
    assert through_nothing.__dict__["_state"].fields_cache["unit"] is None


def test_employee_for_reads_the_unit_and_role_in_its_one_query(
    org, frontline, django_assert_num_queries
):
    user = frontline.user
    with django_assert_num_queries(1):
        employee = employee_for(user)
        assert employee is not None
        assert (employee.pk, employee.unit.code, employee.role.code) == (
            frontline.pk,
            "AG-LIL",
            "advisor",
        )
        assert employee.role.goodwill_max_eur == Decimal("50.00")
        assert employee.role.decisions == ["report"]
        assert employee_for(user) is employee  # cached for the request
    assert _fields(employee) == _fields(Employee.objects.get(pk=frontline.pk))


def test_a_team_members_agency_comes_with_their_unit(org, teammate, django_assert_num_queries):
    # A team member serves the customers of the team's agency: read with the employee,
    # it costs the screen and the search no query of its own.
    with django_assert_num_queries(1):
        employee = employee_for(teammate.user)
        assert employee is not None
        assert serving_unit(employee.unit) == org.lille
        assert employee.unit.parent.code == "AG-LIL"


def test_a_path_of_joins_and_a_left_join_that_found_nothing(org):
    table = Unit._meta.db_table
    sql = (
        f"SELECT {columns_of(Unit, 'u')}, {columns_of(Unit, 'p', related='parent')}, "
        f"{columns_of(Unit, 'g', related='parent__parent')} FROM {table} u "
        f"LEFT JOIN {table} p ON p.id = u.parent_id LEFT JOIN {table} g ON g.id = p.parent_id "
        "WHERE u.code IN (%s, %s, %s) ORDER BY u.depth"
    )

    hq, north, lille = read_models(
        Unit, sql, ["HQ", "R-N", "AG-LIL"], related={"parent": Unit, "parent__parent": Unit}
    )

    assert (lille.parent.code, lille.parent.parent.code) == ("R-N", "HQ")
    assert north.parent.code == "HQ" and north.parent.parent is None
    assert hq.parent is None
    assert _fields(lille.parent.parent) == _fields(org.hq)

"""The import contract over HTTP: POST /api/<kind>/bulk with a list of objects."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission

from symetrie.org.models import Employee, Unit
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def grant(employee, *codenames):
    employee.user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


def post(client, url, records):
    return client.post(
        url, records, content_type="application/json", headers={"accept-language": "en"}
    )


def snapshot():
    units = list(Unit.objects.values_list("pk", "code", "name", "kind", "parent", "path", "depth"))
    employees = list(
        Employee.objects.values_list(
            "pk",
            "external_id",
            "unit",
            "role",
            "hire_date",
            "leave_date",
            "is_manager",
            "user__email",
            "user__is_active",
        )
    )
    return units, employees


def test_units_bulk_keeps_the_valid_records_and_names_the_rejected_ones(org, lead):
    grant(lead, "change_unit")
    records = [
        {"code": "T-ROU", "name": "Équipe Rouen", "kind": "team", "parent_code": "AG-ROU-2"},
        {"code": "AG-ROU-2", "name": "Agence Rouen 2", "kind": "agence", "parent_code": "R-N"},
        {"code": "BAD", "name": "Bad", "kind": "planet"},
        {"code": "LOST", "name": "Lost", "kind": "team", "parent_code": "NOWHERE"},
        {"code": "T-ROU", "name": "Twice", "kind": "team"},
        {"name": "No code", "kind": "team"},
        {"code": "AG-LIL", "name": "Agence Lille", "kind": "agency", "parent_code": "R-N"},
    ]

    response = post(client_for(lead), "/api/units/bulk", records)

    assert response.status_code == 200
    assert response.json() == {
        "created": 2,
        "updated": 0,
        "unchanged": 1,
        "rejected": 4,
        "rejects": [
            {
                "record": 2,
                "key": "BAD",
                "field": "kind",
                "reason": "“planet” is not one of: agency, area, company, department, region, "
                "store, team",
            },
            {
                "record": 3,
                "key": "LOST",
                "field": "parent_code",
                "reason": "unknown unit “NOWHERE” (not in the file nor in the database)",
            },
            {
                "record": 4,
                "key": "T-ROU",
                "field": "code",
                "reason": "“T-ROU” already appears at line 0 of this file",
            },
            {"record": 5, "key": None, "field": "code", "reason": "is required"},
        ],
    }
    rouen2 = Unit.objects.get(code="AG-ROU-2")
    assert (rouen2.parent, rouen2.kind, rouen2.depth) == (org.north, "agency", 2)
    assert Unit.objects.get(code="T-ROU").parent == rouen2

    again = post(client_for(lead), "/api/units/bulk", records[:2])
    assert again.json() == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "rejected": 0,
        "rejects": [],
    }


def test_units_bulk_moves_a_subtree(org, lead):
    grant(lead, "change_unit")

    response = post(
        client_for(lead),
        "/api/units/bulk",
        [{"code": "AG-LIL", "name": "Agence Lille", "kind": "agency", "parent_code": "R-S"}],
    )

    assert response.json()["updated"] == 1
    team = Unit.objects.get(code="T-LIL")
    assert team.path.startswith(Unit.objects.get(code="R-S").path)
    assert team.depth == 3


def test_employees_bulk_takes_json_types(org, lead):
    grant(lead, "change_employee")
    records = [
        {
            "external_id": "E1",
            "email": "Ann@Example.fr",
            "first_name": "Ann",
            "last_name": "Ané",
            "unit_code": "AG-LIL",
            "role": "advisor",
            "hire_date": "2024-03-01",
            "leave_date": None,
            "is_manager": True,
        },
        {
            "external_id": "E2",
            "email": "bob@example.fr",
            "first_name": "Bob",
            "last_name": "Bé",
            "unit_code": "AG-LIL",
            "role": "advisor",
            "hire_date": "01/03/2024",
            "leave_date": "2024-02-01",
            "is_manager": False,
        },
        {
            "external_id": 3,
            "email": "cy@example.fr",
            "unit_code": "AG-MAR",
            "role": "director",
            "hire_date": "2023-09-04",
        },
    ]

    response = post(client_for(lead), "/api/employees/bulk", records)

    assert response.status_code == 200
    assert response.json() == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "rejects": [
            {"record": 1, "key": "E2", "field": "leave_date", "reason": "is before the hire date"}
        ],
    }
    assert {
        e.external_id: (e.user.email, e.unit.code, e.role.code, e.hire_date, e.is_manager)
        for e in Employee.objects.exclude(pk=lead.pk).select_related("user", "unit", "role")
    } == {
        "E1": ("ann@example.fr", "AG-LIL", "advisor", dt.date(2024, 3, 1), True),
        "3": ("cy@example.fr", "AG-MAR", "director", dt.date(2023, 9, 4), False),
    }


def test_a_record_that_is_not_an_object_is_refused_naming_it(org, lead):
    grant(lead, "change_unit")
    before = snapshot()

    response = post(
        client_for(lead), "/api/units/bulk", [{"code": "A", "name": "A", "kind": "team"}, 42]
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["record"] == 1
    assert snapshot() == before


@pytest.mark.parametrize(
    ("url", "record"),
    [
        ("/api/units/bulk", {"code": "HQ", "name": "Renamed", "kind": "company"}),
        (
            "/api/employees/bulk",
            {
                "external_id": "E-FRONT",
                "email": "felix@example.fr",
                "unit_code": "AG-MAR",
                "role": "director",
                "hire_date": "2020-01-06",
            },
        ),
    ],
)
@pytest.mark.parametrize("persona", ["frontline", "manager", "lead"])
def test_a_caller_without_permission_gets_403_and_nothing_changes(
    request, org, url, record, persona
):
    caller = request.getfixturevalue(persona)
    if persona != "lead":
        # Even holding the permissions: the bulk endpoints need an org-wide role too.
        grant(caller, "change_unit", "change_employee")
    request.getfixturevalue("frontline")  # E-FRONT exists for the employee record
    before = snapshot()

    response = post(client_for(caller), url, [record])

    assert response.status_code == 403
    assert snapshot() == before


def test_an_anonymous_caller_gets_401_and_nothing_changes(org, client):
    before = snapshot()

    response = post(client, "/api/units/bulk", [{"code": "X", "name": "X", "kind": "team"}])

    assert response.status_code == 401
    assert snapshot() == before

"""The org API: exact JSON, filters, pagination, OpenAPI and docs, bulk upserts and their errors."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from symetrie.org.models import Employee, Role, Unit, path_segment
from symetrie.org.services import MAX_DEPTH, employee_create, unit_create
from tests.conftest import Org, client_for


def english(client: Client) -> Client:
    """Reasons are compared in English, the source language."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def grant(employee: Employee, *codenames: str) -> None:
    employee.user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="org", codename__in=codenames)
    )


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def units_state() -> list[tuple[str, str, str, str, int, str | None]]:
    return [
        (u.code, u.name, u.kind, u.path, u.depth, u.parent.code if u.parent else None)
        for u in Unit.objects.select_related("parent").order_by("code")
    ]


def employees_state() -> list[tuple[Any, ...]]:
    return list(
        Employee.objects.order_by("external_id").values_list(
            "external_id",
            "unit__code",
            "role__code",
            "hire_date",
            "leave_date",
            "is_manager",
            "user__email",
            "user__first_name",
            "user__last_name",
            "user__is_active",
        )
    )


def roles_state() -> list[tuple[Any, ...]]:
    return list(
        Role.objects.order_by("code").values_list(
            "code", "name", "is_org_wide", "goodwill_max_eur", "may_waive_fees", "decisions"
        )
    )


@pytest.fixture
def staff(frontline, teammate, manager, regional, lead, stranger, departed) -> Employee:
    """Everyone in the fixture tree; returns the lead, who reads the whole organisation."""
    return lead


@pytest.fixture
def admin(lead: Employee) -> Client:
    """An org-wide lead allowed to change units, roles and employees."""
    grant(lead, "change_unit", "change_role", "change_employee")
    return english(client_for(lead))


def codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


def external_ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["external_id"] for item in response.json()["items"]]


# ---------------------------------------------------------------- reads: exact JSON


def test_units_list_is_the_tree_in_path_order(org: Org, lead):
    response = client_for(lead).get("/api/units")

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {"code": "HQ", "name": "Banque Test", "kind": "company", "parent_code": None,
             "depth": 0},
            {"code": "SIEGE", "name": "Siège", "kind": "department", "parent_code": "HQ",
             "depth": 1},
            {"code": "R-N", "name": "Région Nord", "kind": "region", "parent_code": "HQ",
             "depth": 1},
            {"code": "AG-LIL", "name": "Agence Lille", "kind": "agency", "parent_code": "R-N",
             "depth": 2},
            {"code": "T-LIL", "name": "Équipe Lille", "kind": "team", "parent_code": "AG-LIL",
             "depth": 3},
            {"code": "AG-ROU", "name": "Agence Rouen", "kind": "agency", "parent_code": "R-N",
             "depth": 2},
            {"code": "R-S", "name": "Région Sud", "kind": "region", "parent_code": "HQ",
             "depth": 1},
            {"code": "AG-MAR", "name": "Agence Marseille", "kind": "agency",
             "parent_code": "R-S", "depth": 2},
        ],
        "count": 8,
    }  # fmt: skip


def test_unit_read(org: Org, lead):
    response = client_for(lead).get("/api/units/T-LIL")

    assert response.status_code == 200
    assert response.json() == {
        "code": "T-LIL",
        "name": "Équipe Lille",
        "kind": "team",
        "parent_code": "AG-LIL",
        "depth": 3,
    }


def test_an_unknown_unit_or_employee_is_a_json_404(lead):
    client = client_for(lead)

    assert client.get("/api/units/NOPE").json() == {"detail": "No such unit."}
    assert client.get("/api/employees/NOPE").json() == {"detail": "No such employee."}
    assert client.get("/api/employees/NOPE").status_code == 404


def test_employee_read(staff, departed):
    client = client_for(staff)

    assert client.get("/api/employees/E-MGR").json() == {
        "external_id": "E-MGR",
        "email": "mona.manager@example.fr",
        "first_name": "Mona",
        "last_name": "Manager",
        "unit_code": "AG-LIL",
        "role": "director",
        "hire_date": "2020-01-06",
        "leave_date": None,
        "is_manager": True,
    }
    assert client.get("/api/employees/E-GONE").json() == {
        "external_id": "E-GONE",
        "email": "gaston.gone@example.fr",
        "first_name": "Gaston",
        "last_name": "Gone",
        "unit_code": "AG-LIL",
        "role": "director",
        "hire_date": "2020-01-06",
        "leave_date": "2021-06-30",
        "is_manager": True,
    }


def test_employees_list_is_ordered_by_external_id(staff):
    response = client_for(staff).get("/api/employees")

    assert response.json()["count"] == 7
    assert external_ids(response) == [
        "E-FRONT", "E-GONE", "E-LEAD", "E-MGR", "E-REG", "E-SUD", "E-TEAM"
    ]  # fmt: skip
    assert response.json()["items"][0] == {
        "external_id": "E-FRONT",
        "email": "félix.frontline@example.fr",
        "first_name": "Félix",
        "last_name": "Frontline",
        "unit_code": "AG-LIL",
        "role": "advisor",
        "hire_date": "2020-01-06",
        "leave_date": None,
        "is_manager": False,
    }


def test_roles_list(org: Org, lead):
    response = client_for(lead).get("/api/roles")

    assert response.json() == {
        "items": [
            {"code": "advisor", "name": "Conseiller", "org_wide": False,
             "goodwill_max_eur": "50.00", "fee_waiver": False, "decisions": ["report"]},
            {"code": "cx_lead", "name": "Responsable CX", "org_wide": True,
             "goodwill_max_eur": "0.00", "fee_waiver": False, "decisions": []},
            {"code": "director", "name": "Directeur d'agence", "org_wide": False,
             "goodwill_max_eur": "300.00", "fee_waiver": True, "decisions": []},
        ],
        "count": 3,
    }  # fmt: skip


# ---------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"kind": "agency"}, ["AG-LIL", "AG-ROU", "AG-MAR"]),
        ({"kind": "store"}, []),
        ({"parent": "R-N"}, ["AG-LIL", "AG-ROU"]),
        ({"parent": "HQ"}, ["SIEGE", "R-N", "R-S"]),
        ({"under": "R-N"}, ["R-N", "AG-LIL", "T-LIL", "AG-ROU"]),
        ({"under": "T-LIL"}, ["T-LIL"]),
        ({"q": "lille"}, ["AG-LIL", "T-LIL"]),
        ({"q": "r-s"}, ["R-S"]),  # the exact code, in any case
        ({"q": "AG-"}, []),  # a code is matched whole, not in part
        ({"kind": "agency", "under": "R-N"}, ["AG-LIL", "AG-ROU"]),
        ({"kind": "agency", "q": "Agence M"}, ["AG-MAR"]),
    ],
)
def test_unit_filters(org: Org, lead, query, found):
    assert codes(client_for(lead).get("/api/units", query)) == found


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"unit": "AG-LIL"}, ["E-FRONT", "E-GONE", "E-MGR"]),
        ({"unit": "R-N"}, ["E-REG"]),
        ({"under": "R-N"}, ["E-FRONT", "E-GONE", "E-MGR", "E-REG", "E-TEAM"]),
        ({"role": "director"}, ["E-GONE", "E-MGR", "E-REG"]),
        ({"role": "nobody"}, []),
        ({"is_manager": "true"}, ["E-GONE", "E-MGR", "E-REG"]),
        ({"is_manager": "false"}, ["E-FRONT", "E-LEAD", "E-SUD", "E-TEAM"]),
        ({"active": "true"}, ["E-FRONT", "E-LEAD", "E-MGR", "E-REG", "E-SUD", "E-TEAM"]),
        ({"active": "false"}, ["E-GONE"]),
        ({"q": "mona"}, ["E-MGR"]),  # first name
        ({"q": "FRONTLINE"}, ["E-FRONT"]),  # last name
        ({"q": "gaston.gone@"}, ["E-GONE"]),  # e-mail
        ({"q": "e-sud"}, ["E-SUD"]),  # the exact external id
        ({"role": "advisor", "under": "R-N"}, ["E-FRONT", "E-TEAM"]),
        ({"is_manager": "true", "active": "true", "under": "R-N"}, ["E-MGR", "E-REG"]),
    ],
)
def test_employee_filters(staff, query, found):
    assert external_ids(client_for(staff).get("/api/employees", query)) == found


# ---------------------------------------------------------------- pagination


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"limit": 3}, ["HQ", "SIEGE", "R-N"]),
        ({"limit": 3, "offset": 2}, ["R-N", "AG-LIL", "T-LIL"]),
        ({"offset": 7}, ["AG-MAR"]),
        ({"offset": 8}, []),
        ({"limit": 2, "offset": 50}, []),
    ],
)
def test_limit_and_offset(org: Org, lead, query, found):
    response = client_for(lead).get("/api/units", query)

    assert codes(response) == found
    assert response.json()["count"] == 8


def test_a_page_holds_50_items_by_default(org: Org, lead):
    Unit.objects.bulk_create(
        [
            Unit(code=f"X{i:02}", name=f"X{i}", kind="team", parent=org.south, path=f"~x/{i}")
            for i in range(60)
        ]
    )
    client = client_for(lead)

    first = client.get("/api/units")
    last = client.get("/api/units", {"offset": 50})

    assert (len(first.json()["items"]), first.json()["count"]) == (50, 68)
    assert (len(last.json()["items"]), last.json()["count"]) == (18, 68)


NOT_AN_INTEGER = "Input should be a valid integer, unable to parse string as an integer"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"limit": 0}, "limit", "Input should be greater than or equal to 1"),
        ({"offset": -1}, "offset", "Input should be greater than or equal to 0"),
        ({"limit": "ten"}, "limit", NOT_AN_INTEGER),
    ],
)
def test_a_bad_page_parameter_names_the_field(org: Org, lead, query, field, message):
    response = client_for(lead).get("/api/units", query)

    assert response.status_code == 422
    assert response.json() == {
        "detail": "invalid request",
        "errors": [{"record": None, "field": field, "message": message}],
    }


def test_a_bad_filter_value_names_the_field(staff):
    response = client_for(staff).get("/api/employees", {"is_manager": "maybe"})

    assert response.status_code == 422
    assert response.json() == {
        "detail": "invalid request",
        "errors": [
            {"record": None, "field": "is_manager", "message": "Input should be a valid boolean, "
             "unable to interpret input"}
        ],
    }  # fmt: skip


def test_a_list_costs_the_same_queries_whatever_its_length(
    org: Org, staff, django_assert_num_queries
):
    client = client_for(staff)
    # Session, user, the caller's employee record, the count, the page.
    with django_assert_num_queries(5):
        assert len(client.get("/api/employees").json()["items"]) == 7
    with django_assert_num_queries(5):
        assert len(client.get("/api/units").json()["items"]) == 8
    for i in range(25):
        employee_create(
            external_id=f"E-{i:02}", email=f"e{i}@example.fr", first_name="E", last_name=f"{i}",
            unit=org.rouen, role=org.advisor, hire_date=dt.date(2024, 1, 1),
        )  # fmt: skip
    chain = org.rouen
    for i in range(25):
        chain = unit_create(code=f"U{i}", name=f"U{i}", kind="team", parent=chain)

    with django_assert_num_queries(5):
        assert len(client.get("/api/employees").json()["items"]) == 32
    with django_assert_num_queries(5):
        assert len(client.get("/api/units").json()["items"]) == 33
    # Naming a unit to filter on costs one query more, to find it within scope.
    with django_assert_num_queries(6):
        assert len(client.get("/api/employees", {"under": "AG-ROU"}).json()["items"]) == 25
    with django_assert_num_queries(6):
        assert len(client.get("/api/units", {"under": "AG-ROU"}).json()["items"]) == 26


# ---------------------------------------------------------------- OpenAPI and docs


def test_openapi_lists_the_endpoints(db: None):
    response = Client().get("/api/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    org_prefixes = ("/api/units", "/api/roles", "/api/employees")
    assert {
        path: sorted(methods) for path, methods in paths.items() if path.startswith(org_prefixes)
    } == {
        "/api/units": ["get"],
        "/api/units/bulk": ["post"],
        "/api/units/{code}": ["get"],
        "/api/roles": ["get"],
        "/api/roles/bulk": ["post"],
        "/api/employees": ["get"],
        "/api/employees/bulk": ["post"],
        "/api/employees/{external_id}": ["get"],
    }
    assert [p["name"] for p in paths["/api/units"]["get"]["parameters"]] == [
        "kind", "parent", "under", "q", "limit", "offset"
    ]  # fmt: skip
    assert [p["name"] for p in paths["/api/employees"]["get"]["parameters"]] == [
        "unit", "under", "role", "is_manager", "active", "q", "limit", "offset"
    ]  # fmt: skip


def test_the_docs_page_needs_nothing_from_outside(db: None):
    client = Client()
    response = client.get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "http://" not in html
    assert "https://" not in html
    assert "cdn" not in html.lower()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(assets) == [
        "/static/ninja/favicon.png",
        "/static/ninja/favicon.svg",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/ninja/swagger-ui.css",
    ]
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        served.close()


# ---------------------------------------------------------------- bulk upserts


def test_units_bulk_keeps_valid_records_and_names_each_rejected_one(org: Org, admin):
    records = [
        {"code": "AG-LEN", "name": "Agence Lens", "kind": "agency", "parent_code": "R-N"},
        {"code": "AG-LIL", "name": "Agence Lille Centre", "kind": "agence", "parent_code": "R-N"},
        {"code": "AG-ROU", "name": "Agence Rouen", "kind": "agency", "parent_code": "R-N"},
        {"code": "AG-X", "name": "Agence X", "kind": "agency", "parent_code": "ZZ"},
        {"code": "AG-Y", "name": "", "kind": "agency"},
        {"code": "AG-Z", "name": "Agence Z", "kind": "castle"},
        {"code": "AG-LEN", "name": "Encore Lens", "kind": "agency"},
        {"code": "T-LEN", "name": "Équipe Lens", "kind": "team", "parent_code": "AG-LEN"},
    ]

    response = post(admin, "/api/units/bulk", records)

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("created", "updated", "unchanged", "rejected")} == {
        "created": 2,
        "updated": 1,
        "unchanged": 1,
        "rejected": 4,
    }
    assert [(r["record"], r["key"], r["field"]) for r in body["rejects"]] == [
        (3, "AG-X", "parent_code"),
        (4, "AG-Y", "name"),
        (5, "AG-Z", "kind"),
        (6, "AG-LEN", "code"),
    ]
    assert body["rejects"][0]["reason"] == (
        "unknown unit “ZZ” (not in the file nor in the database)"
    )
    team = Unit.objects.select_related("parent").get(code="T-LEN")
    assert (team.parent.code, team.depth, team.path) == (
        "AG-LEN",
        3,
        team.parent.path + path_segment(team.pk),
    )
    assert team.parent.path == org.north.path + path_segment(team.parent.pk)
    assert Unit.objects.get(code="AG-LIL").name == "Agence Lille Centre"
    assert not Unit.objects.filter(code__in=["AG-X", "AG-Y", "AG-Z"]).exists()


def test_units_bulk_run_twice_changes_nothing_the_second_time(org: Org, admin):
    records = [
        {"code": "AG-LEN", "name": "Agence Lens", "kind": "agency", "parent_code": "R-N"},
        {"code": "AG-ROU", "name": "Agence Rouen", "kind": "agency", "parent_code": "R-S"},
    ]
    assert post(admin, "/api/units/bulk", records).json()["created"] == 1
    before = units_state()

    again = post(admin, "/api/units/bulk", records).json()

    assert again == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0, "rejects": []}
    assert units_state() == before
    # The move of Rouen was a move of its path too.
    rouen = Unit.objects.get(code="AG-ROU")
    assert rouen.is_within(org.south)


def test_units_bulk_rejects_a_cycle_and_names_it(org: Org, admin):
    before = units_state()
    records = [
        {"code": "R-N", "name": "Région Nord", "kind": "region", "parent_code": "T-LIL"},
    ]

    body = post(admin, "/api/units/bulk", records).json()

    assert body == {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "rejects": [
            {
                "record": 0,
                "key": "R-N",
                "field": "parent_code",
                "reason": "makes a cycle: R-N → T-LIL → AG-LIL → R-N",
            }
        ],
    }
    assert units_state() == before


def test_units_bulk_rejects_what_would_be_too_deep(org: Org, admin):
    before = units_state()
    # HQ is at depth 0: the chain's first unit at depth 1, its last at MAX_DEPTH + 1.
    records = [
        {"code": f"C{i}", "name": f"C{i}", "kind": "team", "parent_code": f"C{i - 1}"}
        for i in range(1, MAX_DEPTH + 2)
    ]
    records[0]["parent_code"] = "HQ"

    response = post(admin, "/api/units/bulk", records)

    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["rejected"]) == (MAX_DEPTH, 1)
    assert body["rejects"] == [
        {
            "record": MAX_DEPTH,
            "key": f"C{MAX_DEPTH + 1}",
            "field": "parent_code",
            "reason": f"would be deeper than {MAX_DEPTH} levels",
        }
    ]
    assert Unit.objects.get(code=f"C{MAX_DEPTH}").depth == MAX_DEPTH
    assert [u for u in units_state() if not u[0].startswith("C")] == before


def test_units_bulk_blames_the_move_that_pushes_a_subtree_too_deep(org: Org, admin):
    parent = org.hq
    for i in range(1, MAX_DEPTH - 1):
        parent = unit_create(code=f"L{i}", name=f"L{i}", kind="team", parent=parent)
    assert parent.depth == MAX_DEPTH - 2
    before = units_state()
    records = [
        # North would sit at MAX_DEPTH - 1, Lille at MAX_DEPTH, and Lille's team one too deep.
        {"code": "R-N", "name": "Région Nord", "kind": "region", "parent_code": parent.code},
        {"code": "T-LIL", "name": "Équipe Lille", "kind": "team", "parent_code": "AG-LIL"},
    ]

    body = post(admin, "/api/units/bulk", records).json()

    assert body == {
        "created": 0,
        "updated": 0,
        "unchanged": 1,
        "rejected": 1,
        "rejects": [
            {
                "record": 0,
                "key": "R-N",
                "field": "parent_code",
                "reason": f"would take the units under it deeper than {MAX_DEPTH} levels",
            }
        ],
    }
    assert units_state() == before


def test_employees_bulk_names_the_record_and_the_field(org: Org, admin):
    records = [
        {"external_id": "E-NEW", "email": "Nina.New@Example.fr", "first_name": "Nina",
         "last_name": "New", "unit_code": "AG-ROU", "role": "advisor", "hire_date": "2024-09-02"},
        {"external_id": "E-BAD1", "email": "b1@example.fr", "unit_code": "ZZ", "role": "advisor",
         "hire_date": "2024-09-02"},
        {"external_id": "E-BAD2", "email": "b2@example.fr", "unit_code": "AG-ROU",
         "role": "boss", "hire_date": "2024-09-02"},
        {"external_id": "E-BAD3", "email": "b3@example.fr", "unit_code": "AG-ROU",
         "role": "advisor", "hire_date": "2024-09-02", "leave_date": "2024-01-01"},
    ]  # fmt: skip

    body = post(admin, "/api/employees/bulk", records).json()

    assert {k: body[k] for k in ("created", "updated", "unchanged", "rejected")} == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 3,
    }
    assert body["rejects"] == [
        {"record": 1, "key": "E-BAD1", "field": "unit_code", "reason": "unknown unit “ZZ”"},
        {"record": 2, "key": "E-BAD2", "field": "role", "reason": "unknown role “boss”"},
        {"record": 3, "key": "E-BAD3", "field": "leave_date",
         "reason": "is before the hire date"},
    ]  # fmt: skip
    nina = Employee.objects.select_related("user", "unit").get(external_id="E-NEW")
    assert (nina.user.email, nina.unit.code, nina.user.has_usable_password()) == (
        "nina.new@example.fr",
        "AG-ROU",
        False,
    )


def test_roles_bulk(org: Org, admin):
    records = [
        {"code": "advisor", "name": "Conseiller", "goodwill_max_eur": "75,50",
         "decisions": ["report", "postpone an instalment"]},
        {"code": "hr", "name": "RH", "org_wide": "oui"},
        {"code": "greedy", "name": "Greedy", "goodwill_max_eur": "-1"},
    ]  # fmt: skip

    body = post(admin, "/api/roles/bulk", records).json()

    assert {k: body[k] for k in ("created", "updated", "unchanged", "rejected")} == {
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "rejected": 1,
    }
    assert [(r["record"], r["key"], r["field"]) for r in body["rejects"]] == [
        (2, "greedy", "goodwill_max_eur")
    ]
    assert roles_state() == [
        ("advisor", "Conseiller", False, Decimal("75.50"), False,
         ["report", "postpone an instalment"]),
        ("cx_lead", "Responsable CX", True, Decimal("0.00"), False, []),
        ("director", "Directeur d'agence", False, Decimal("300.00"), True, []),
        ("hr", "RH", True, Decimal("0.00"), False, []),
    ]  # fmt: skip


def test_a_body_that_is_not_a_list_names_the_field(org: Org, admin):
    before = units_state()

    response = post(admin, "/api/units/bulk", {"code": "X", "name": "X", "kind": "team"})

    assert response.status_code == 422
    assert response.json() == {
        "detail": "invalid request",
        "errors": [{"record": None, "field": "records", "message": "Input should be a valid list"}],
    }
    assert units_state() == before


def test_a_record_that_is_not_an_object_is_named_and_nothing_is_written(org: Org, admin):
    before = units_state()

    response = post(admin, "/api/units/bulk", [{"code": "X", "name": "X", "kind": "team"}, "Y", 3])

    assert response.status_code == 422
    assert response.json() == {
        "detail": "invalid request",
        "errors": [
            {"record": 1, "field": None, "message": "Input should be a valid dictionary"},
            {"record": 2, "field": None, "message": "Input should be a valid dictionary"},
        ],
    }
    assert units_state() == before


def test_a_body_that_is_not_json_is_400(org: Org, admin):
    response = admin.post("/api/units/bulk", data="code;name", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}


UNIT = {"code": "AG-NEW", "name": "Agence Neuve", "kind": "agency", "parent_code": "AG-LIL"}
EMPLOYEE = {
    "external_id": "E-NEW",
    "email": "new@example.fr",
    "unit_code": "AG-LIL",
    "role": "cx_lead",
    "hire_date": "2024-09-02",
}
ROLE = {"code": "director", "name": "Directeur", "goodwill_max_eur": "100000"}


@pytest.mark.parametrize(
    ("url", "record", "permission"),
    [
        ("/api/units/bulk", UNIT, "org.change_unit"),
        ("/api/employees/bulk", EMPLOYEE, "org.change_employee"),
        ("/api/roles/bulk", ROLE, "org.change_role"),
    ],
)
def test_bulk_needs_the_permission_and_an_org_wide_scope(staff, manager, url, record, permission):
    before = (units_state(), employees_state(), roles_state())
    # A manager holding every permission still does not see the whole organisation.
    grant(manager, "change_unit", "change_role", "change_employee")
    lead_without_permission = client_for(staff)

    for client in (english(client_for(manager)), english(lead_without_permission)):
        response = post(client, url, [record])
        assert response.status_code == 403
        assert response.json() == {
            "detail": f"writing here needs the '{permission}' permission, org-wide"
        }
    assert post(Client(), url, [record]).status_code == 401
    assert (units_state(), employees_state(), roles_state()) == before


def test_a_superuser_may_write_in_bulk(org: Org, django_user_model):
    root = django_user_model.objects.create_superuser("root@example.fr", "root@example.fr", "x")

    body = post(client_for(root), "/api/units/bulk", [UNIT]).json()

    assert body == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 0, "rejects": []}
    assert Unit.objects.get(code="AG-NEW").is_within(org.lille)

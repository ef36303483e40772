"""Access by the org tree: who sees which units and people, on every page and endpoint.

Outside the user's scope a unit or a person does not exist: 404, never 403.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from symetrie.accounts.services import token_create, token_revoke
from symetrie.org.models import Employee
from symetrie.org.selectors import (
    Reach,
    Scope,
    employee_list_visible_to,
    scope_for,
    unit_headcount_visible_to,
    unit_list_visible_to,
)
from symetrie.org.services import employee_create
from tests.conftest import PASSWORD, Org, client_for

ALL_UNITS = {"HQ", "SIEGE", "R-N", "AG-LIL", "T-LIL", "AG-ROU", "R-S", "AG-MAR"}
ALL_PEOPLE = {"E-FRONT", "E-TEAM", "E-MGR", "E-REG", "E-LEAD", "E-SUD", "E-GONE", "E-LATE"}
LILLE_PEOPLE = {"E-FRONT", "E-MGR", "E-GONE"}

# persona: (unit codes, employee external ids) that they may see.
VISIBLE: dict[str, tuple[set[str], set[str]]] = {
    "frontline": ({"AG-LIL"}, LILLE_PEOPLE),
    "teammate": ({"T-LIL"}, {"E-TEAM"}),
    "manager": ({"AG-LIL", "T-LIL"}, LILLE_PEOPLE | {"E-TEAM"}),
    "regional": (
        {"R-N", "AG-LIL", "T-LIL", "AG-ROU"},
        LILLE_PEOPLE | {"E-TEAM", "E-REG", "E-LATE"},
    ),
    "lead": (ALL_UNITS, ALL_PEOPLE),
    "superuser": (ALL_UNITS, ALL_PEOPLE),
    "stranger": ({"AG-MAR"}, {"E-SUD"}),
    "outsider": (set(), set()),
    "left_active": (set(), set()),
    "departed": (set(), set()),
    "anonymous": (set(), set()),
}
PERSONAS = list(VISIBLE)
# Users whose session does not count: their pages send them to the login page, the API says 401.
LOGGED_OUT = {"departed", "anonymous"}


@pytest.fixture
def left_active(org: Org) -> Employee:
    """A manager whose leave date has passed, though their account was not closed yet."""
    employee = employee_create(
        external_id="E-LATE",
        email="lucie.late@example.fr",
        first_name="Lucie",
        last_name="Late",
        unit=org.rouen,
        role=org.director,
        hire_date=dt.date(2019, 3, 4),
        leave_date=timezone.localdate() - dt.timedelta(days=10),
        is_manager=True,
        password=PASSWORD,
    )
    get_user_model().objects.filter(pk=employee.user_id).update(is_active=True)
    employee.user.refresh_from_db()
    return employee


@pytest.fixture
def people(
    frontline, teammate, manager, regional, lead, stranger, outsider, departed, left_active
) -> dict[str, object]:
    superuser = get_user_model().objects.create_superuser(
        username="root@example.fr", email="root@example.fr", password=PASSWORD
    )
    everyone = {
        "frontline": frontline,
        "teammate": teammate,
        "manager": manager,
        "regional": regional,
        "lead": lead,
        "stranger": stranger,
        "outsider": outsider,
        "departed": departed,
        "left_active": left_active,
        "superuser": superuser,
    }
    return {name: getattr(who, "user", who) for name, who in everyone.items()}


def user_of(people: dict[str, object], persona: str) -> object:
    return AnonymousUser() if persona == "anonymous" else people[persona]


def client_as(people: dict[str, object], persona: str) -> Client:
    return Client() if persona == "anonymous" else client_for(people[persona])


def expected_page(persona: str, visible: bool) -> int:
    if persona in LOGGED_OUT:
        return 302
    return 200 if visible else 404


def expected_api(persona: str, visible: bool) -> int:
    if persona in LOGGED_OUT:
        return 401
    return 200 if visible else 404


# ---------------------------------------------------------------- the rule itself


def test_scope_for_each_kind_of_user(org: Org, people):
    assert scope_for(people["lead"]) == Scope(Reach.EVERYTHING)
    assert scope_for(people["superuser"]) == Scope(Reach.EVERYTHING)
    assert scope_for(people["manager"]) == Scope(
        Reach.SUBTREE, unit_id=org.lille.pk, path=org.lille.path
    )
    assert scope_for(people["frontline"]) == Scope(
        Reach.OWN_UNIT, unit_id=org.lille.pk, path=org.lille.path
    )
    for nobody in ("outsider", "departed", "left_active", "anonymous"):
        assert scope_for(user_of(people, nobody)) == Scope(Reach.NOTHING), nobody


@pytest.mark.parametrize("persona", PERSONAS)
def test_units_and_people_visible_to_each_persona(people, persona):
    user = user_of(people, persona)
    units, employees = VISIBLE[persona]

    assert set(unit_list_visible_to(user=user).values_list("code", flat=True)) == units
    assert set(employee_list_visible_to(user=user).values_list("external_id", flat=True)) == (
        employees
    )


def test_headcounts_count_only_the_people_the_user_may_see(org: Org, people):
    # Lille has Félix and Mona present (Gaston left); its team has Théo.
    frontline = unit_headcount_visible_to(user=people["frontline"], unit=org.lille)
    manager = unit_headcount_visible_to(user=people["manager"], unit=org.lille)

    assert (frontline["active"], frontline["managers"]) == (2, 1)
    assert (manager["active"], manager["managers"]) == (3, 1)


# ---------------------------------------------------------------- pages


@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_pages_answer_404_outside_scope(people, persona):
    client = client_as(people, persona)
    units, _employees = VISIBLE[persona]

    pages = {code: client.get(f"/org/{code}/").status_code for code in sorted(ALL_UNITS)}
    drill = {code: client.get(f"/org/{code}/children/").status_code for code in sorted(ALL_UNITS)}

    expected = {code: expected_page(persona, code in units) for code in sorted(ALL_UNITS)}
    assert pages == expected
    assert drill == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_home_and_tree_pages(people, persona):
    client = client_as(people, persona)

    for url in ("/", "/org/", "/org/?q=Agence"):
        response = client.get(url)
        if persona in LOGGED_OUT:
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/?next=/")
        else:
            assert response.status_code == 200, url


def test_an_unknown_unit_is_404_like_a_hidden_one(people):
    client = client_for(people["lead"])
    assert client.get("/org/NOPE/").status_code == 404
    assert client.get("/org/NOPE/children/").status_code == 404


def result_codes(html: str) -> list[str]:
    """Codes of the units linked in the search results or the tree (after the navigation)."""
    results = html.split('id="results"', 1)[1]
    return re.findall(r'<a href="/org/([^/"]+)/">', results)


@pytest.mark.parametrize(
    ("persona", "query", "found"),
    [
        ("lead", "Agence", ["AG-LIL", "AG-MAR", "AG-ROU"]),
        ("regional", "Agence", ["AG-LIL", "AG-ROU"]),
        ("manager", "Agence", ["AG-LIL"]),
        ("manager", "lille", ["AG-LIL", "T-LIL"]),
        ("stranger", "Agence", ["AG-MAR"]),
        ("frontline", "Lille", ["AG-LIL"]),
        ("outsider", "Agence", []),
        ("left_active", "Agence", []),
        # A code found by its exact spelling, but never outside scope.
        ("lead", "ag-mar", ["AG-MAR"]),
        ("manager", "AG-MAR", []),
        ("manager", "HQ", []),
    ],
)
def test_search_never_returns_a_unit_outside_scope(people, persona, query, found):
    client = client_as(people, persona)

    page = client.get("/org/", {"q": query})
    fragment = client.get("/org/", {"q": query}, HTTP_HX_REQUEST="true")

    assert sorted(result_codes(page.content.decode())) == found
    assert sorted(re.findall(r'<a href="/org/([^/"]+)/">', fragment.content.decode())) == found


@pytest.mark.parametrize(
    ("persona", "roots"),
    [
        ("lead", ["HQ"]),
        ("regional", ["R-N"]),
        ("manager", ["AG-LIL"]),
        ("frontline", ["AG-LIL"]),
        ("outsider", []),
    ],
)
def test_the_tree_starts_at_the_top_of_what_the_user_sees(people, persona, roots):
    html = client_as(people, persona).get("/org/").content.decode()

    assert result_codes(html) == roots


def test_a_frontline_employee_is_offered_no_sub_unit_to_open(people):
    # Lille has a team under it, which the manager may open and the frontline employee may not.
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    manager = client_as(people, "manager").get("/org/", **english).content.decode()
    frontline = client_as(people, "frontline").get("/org/", **english).content.decode()

    assert 'hx-get="/org/AG-LIL/children/"' in manager
    assert '<span class="muted">1 unit</span>' in manager
    assert "/org/AG-LIL/children/" not in frontline
    assert '<span class="muted">' not in frontline.split('id="results"', 1)[1]
    children = client_as(people, "frontline").get("/org/AG-LIL/children/").content.decode()
    assert "T-LIL" not in children
    assert "Équipe Lille" not in children


def test_a_unit_page_lists_only_children_and_people_in_scope(org: Org, people):
    frontline = client_as(people, "frontline").get("/org/AG-LIL/", {"status": "all"})
    manager = client_as(people, "manager").get("/org/AG-LIL/", {"status": "all"})

    assert "Équipe Lille" not in frontline.content.decode()
    assert "Théo Team" not in frontline.content.decode()
    assert "Équipe Lille" in manager.content.decode()
    assert "Théo Team" in manager.content.decode()
    # Breadcrumbs show only ancestors in scope.
    assert [u.code for u in manager.context["ancestors"]] == []
    assert frontline.context["counts"]["active"] == 2
    assert manager.context["counts"]["active"] == 3


# ---------------------------------------------------------------- API


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_reads_answer_404_outside_scope(people, persona):
    client = client_as(people, persona)
    units, employees = VISIBLE[persona]

    unit_reads = {code: client.get(f"/api/units/{code}").status_code for code in sorted(ALL_UNITS)}
    people_reads = {
        external_id: client.get(f"/api/employees/{external_id}").status_code
        for external_id in sorted(ALL_PEOPLE)
    }

    assert unit_reads == {code: expected_api(persona, code in units) for code in sorted(ALL_UNITS)}
    assert people_reads == {
        external_id: expected_api(persona, external_id in employees)
        for external_id in sorted(ALL_PEOPLE)
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_lists_hold_only_what_is_in_scope(people, persona):
    client = client_as(people, persona)
    units, employees = VISIBLE[persona]

    unit_list = client.get("/api/units", {"limit": 100})
    people_list = client.get("/api/employees", {"limit": 100})

    if persona in LOGGED_OUT:
        assert (unit_list.status_code, people_list.status_code) == (401, 401)
        assert unit_list.json() == {
            "detail": "authentication required: send 'Authorization: Bearer TOKEN'"
        }
        return
    assert {u["code"] for u in unit_list.json()["items"]} == units
    assert unit_list.json()["count"] == len(units)
    assert {e["external_id"] for e in people_list.json()["items"]} == employees
    assert people_list.json()["count"] == len(employees)


@pytest.mark.parametrize("persona", PERSONAS)
def test_roles_are_listed_to_anyone_with_a_scope(people, persona):
    response = client_as(people, persona).get("/api/roles")

    if persona in LOGGED_OUT:
        assert response.status_code == 401
        return
    roles = [role["code"] for role in response.json()["items"]]
    assert roles == ([] if not VISIBLE[persona][0] else ["advisor", "cx_lead", "director"])


@pytest.mark.parametrize(
    "query",
    [
        {"under": "AG-MAR"},
        {"under": "R-N"},
        {"under": "HQ"},
        {"unit": "AG-MAR"},
        {"unit": "R-N"},
        {"unit": "NOPE"},
    ],
)
def test_employees_filtered_by_a_unit_outside_scope_is_404(people, query):
    response = client_as(people, "manager").get("/api/employees", query)

    assert response.status_code == 404
    assert response.json() == {"detail": "No such unit."}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({}, LILLE_PEOPLE | {"E-TEAM"}),
        ({"role": "advisor"}, {"E-FRONT", "E-TEAM"}),
        ({"q": "Sud"}, set()),
        ({"q": "E-SUD"}, set()),
        ({"q": "Lead"}, set()),
        ({"is_manager": "true"}, {"E-MGR", "E-GONE"}),
        ({"active": "true"}, {"E-FRONT", "E-MGR", "E-TEAM"}),
        ({"active": "false"}, {"E-GONE"}),
        ({"under": "T-LIL"}, {"E-TEAM"}),
        ({"unit": "AG-LIL"}, LILLE_PEOPLE),
    ],
)
def test_employee_filters_never_reach_outside_scope(people, query, found):
    response = client_as(people, "manager").get("/api/employees", query)

    assert response.status_code == 200
    assert {e["external_id"] for e in response.json()["items"]} == found


@pytest.mark.parametrize(
    "query", [{"parent": "R-N"}, {"under": "HQ"}, {"parent": "AG-MAR"}, {"under": "NOPE"}]
)
def test_units_filtered_by_a_unit_outside_scope_is_404(people, query):
    response = client_as(people, "manager").get("/api/units", query)

    assert response.status_code == 404
    assert response.json() == {"detail": "No such unit."}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"q": "Agence"}, ["AG-LIL"]),
        ({"q": "ag-mar"}, []),
        ({"kind": "agency"}, ["AG-LIL"]),
        ({"kind": "region"}, []),
        ({"under": "AG-LIL"}, ["AG-LIL", "T-LIL"]),
    ],
)
def test_unit_filters_never_reach_outside_scope(people, query, found):
    response = client_as(people, "manager").get("/api/units", query)

    assert response.status_code == 200
    assert [u["code"] for u in response.json()["items"]] == found


def test_a_token_acts_with_its_owners_scope(people):
    _token, clear = token_create(user=people["manager"], name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")

    assert {u["code"] for u in client.get("/api/units").json()["items"]} == {"AG-LIL", "T-LIL"}
    assert client.get("/api/units/AG-MAR").status_code == 404
    assert client.get("/api/employees/E-SUD").status_code == 404
    assert client.get("/api/employees/E-TEAM").status_code == 200


def test_a_token_of_someone_who_left_sees_nothing(people):
    _token, clear = token_create(user=people["left_active"], name="old script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")

    assert client.get("/api/units").json() == {"items": [], "count": 0}
    assert client.get("/api/employees").json() == {"items": [], "count": 0}
    assert client.get("/api/units/AG-ROU").status_code == 404


def test_a_bad_or_revoked_token_is_401(people):
    token, clear = token_create(user=people["lead"], name="script")
    token_revoke(token=token)

    assert Client(HTTP_AUTHORIZATION=f"Bearer {clear}").get("/api/units").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer sym_nope").get("/api/units").status_code == 401
    _token, departed = token_create(user=people["departed"], name="gone")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {departed}").get("/api/units").status_code == 401

"""The org pages: tree, drill-down, search, unit page, their htmx fragments, their query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from symetrie.org.models import Employee, Role, Unit
from symetrie.org.services import employee_create, unit_create
from tests.conftest import Org, client_for


def english(client: Client) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def htmx(client: Client, url: str, target: str = "", **params: str):
    headers = {"HTTP_HX_REQUEST": "true"}
    if target:
        headers["HTTP_HX_TARGET"] = target
    return client.get(url, params, **headers)


def unit_links(html: str) -> list[str]:
    return re.findall(r'<a href="/org/([^/"]+)/">', html)


def people_rows(html: str) -> list[str]:
    """The names in the people table, in order."""
    table = html.split('<div id="employees">', 1)[1]
    return re.findall(r"<tr>\s*<td>([^<]+?)(?: <span|</td>)", table)


def is_fragment(html: str) -> bool:
    return "<html" not in html and "<body" not in html and "<nav" not in html.split("<table")[0]


@pytest.fixture
def staff(frontline, teammate, manager, regional, lead, stranger, departed) -> Employee:
    """Everyone in the fixture tree; returns the lead."""
    return lead


# ---------------------------------------------------------------- htmx fragments


def test_children_fragment_lists_the_sub_units(org: Org, staff):
    response = htmx(english(client_for(staff)), "/org/R-N/children/")

    html = response.content.decode()
    assert response.status_code == 200
    assert is_fragment(html)
    assert html.lstrip().startswith('<ul class="tree" role="group">')
    assert unit_links(html) == ["AG-LIL", "AG-ROU"]
    # Lille has a team to open; Rouen is a leaf.
    assert re.findall(r'hx-get="/org/([^/"]+)/children/"', html) == ["AG-LIL"]
    assert "1 unit<" in html


def test_search_fragment_holds_only_the_results(org: Org, staff):
    client = english(client_for(staff))

    fragment = htmx(client, "/org/", q="Agence").content.decode()
    page = client.get("/org/", {"q": "Agence"}).content.decode()

    assert is_fragment(fragment)
    assert "<h1>" not in fragment
    assert "3 units found" in fragment
    assert unit_links(fragment) == ["AG-LIL", "AG-MAR", "AG-ROU"]
    assert "<html" in page
    assert unit_links(page.split('id="results"', 1)[1]) == ["AG-LIL", "AG-MAR", "AG-ROU"]


def test_search_results_are_ordered_from_the_top_of_the_tree(org: Org, staff):
    fragment = htmx(english(client_for(staff)), "/org/", q="Lille").content.decode()

    assert unit_links(fragment) == ["AG-LIL", "T-LIL"]
    assert "2 units found" in fragment


def test_an_empty_search_shows_the_tree(org: Org, staff):
    fragment = htmx(english(client_for(staff)), "/org/", q="  ").content.decode()

    assert 'role="tree"' in fragment
    assert unit_links(fragment) == ["HQ"]


def test_unit_people_fragment(org: Org, staff):
    response = htmx(english(client_for(staff)), "/org/AG-LIL/", target="employees")

    html = response.content.decode()
    assert response.status_code == 200
    assert is_fragment(html)
    assert html.lstrip().startswith('<div id="employees">')
    assert "Units under this one" not in html
    assert people_rows(html) == ["Félix Frontline", "Mona Manager", "Théo Team"]


def test_an_htmx_request_aimed_elsewhere_gets_the_whole_unit_page(org: Org, staff):
    html = htmx(client_for(staff), "/org/AG-LIL/", target="main").content.decode()

    assert "<html" in html
    assert people_rows(html) == ["Félix Frontline", "Mona Manager", "Théo Team"]


# ---------------------------------------------------------------- the people filter


@pytest.fixture
def recent_leaver(org: Org) -> Employee:
    return employee_create(
        external_id="E-RECENT",
        email="rita.recent@example.fr",
        first_name="Rita",
        last_name="Recent",
        unit=org.lille_team,
        role=org.advisor,
        hire_date=dt.date(2020, 1, 6),
        leave_date=timezone.localdate() - dt.timedelta(days=30),
    )


@pytest.mark.parametrize(
    ("params", "rows"),
    [
        ({}, ["Félix Frontline", "Mona Manager", "Théo Team"]),
        ({"status": "active"}, ["Félix Frontline", "Mona Manager", "Théo Team"]),
        ({"status": "left"}, ["Gaston Gone", "Rita Recent"]),
        (
            {"status": "all"},
            ["Félix Frontline", "Gaston Gone", "Mona Manager", "Rita Recent", "Théo Team"],
        ),
        ({"status": "nonsense"}, ["Félix Frontline", "Mona Manager", "Théo Team"]),
        ({"q": "mona"}, ["Mona Manager"]),
        ({"q": "TEAM"}, ["Théo Team"]),
        ({"q": "gaston"}, []),  # present people only, by default
        ({"q": "gaston", "status": "all"}, ["Gaston Gone"]),
        ({"q": "rita.recent@example.fr", "status": "left"}, ["Rita Recent"]),
        ({"q": "e-front"}, ["Félix Frontline"]),
        ({"q": "e-fr"}, []),  # an external id is matched whole
    ],
)
def test_people_filter(org: Org, staff, recent_leaver, params, rows):
    client = client_for(staff)

    fragment = htmx(client, "/org/AG-LIL/", target="employees", **params).content.decode()
    page = client.get("/org/AG-LIL/", params).content.decode()

    assert people_rows(fragment) == rows
    assert people_rows(page) == rows


def test_an_empty_filter_says_so(org: Org, staff):
    html = htmx(english(client_for(staff)), "/org/AG-ROU/", target="employees").content.decode()

    assert people_rows(html) == []
    assert "Nobody matches." in html


def test_people_come_25_to_a_page(org: Org, staff):
    for i in range(30):
        employee_create(
            external_id=f"E-{i:02}",
            email=f"p{i:02}@example.fr",
            first_name="Paul",
            last_name=f"P{i:02}",
            unit=org.rouen,
            role=org.advisor,
            hire_date=dt.date(2024, 1, 1),
        )
    client = english(client_for(staff))

    first = htmx(client, "/org/AG-ROU/", target="employees").content.decode()
    second = htmx(client, "/org/AG-ROU/", target="employees", page="2").content.decode()

    assert people_rows(first) == [f"Paul P{i:02}" for i in range(25)]
    assert people_rows(second) == [f"Paul P{i:02}" for i in range(25, 30)]
    assert "Page 2 of 2" in second
    assert 'hx-get="?q=&amp;status=active&amp;page=1"' in second


# ---------------------------------------------------------------- the unit page


def test_unit_page_breadcrumbs_stats_and_sub_units(org: Org, staff, recent_leaver):
    response = english(client_for(staff)).get("/org/AG-LIL/")

    html = response.content.decode()
    crumbs = html.split('class="crumbs"', 1)[1].split("</nav>", 1)[0]
    assert unit_links(crumbs) == ["HQ", "R-N"]
    assert '<li aria-current="page">Agence Lille</li>' in crumbs
    # Present: Félix, Mona, Théo; left in the last year: Rita; a year ago: those and Rita.
    assert response.context["counts"] == {"active": 3, "managers": 1, "leavers": 1, "hires": 0}
    assert response.context["turnover"] == pytest.approx(1 / 3.5)
    assert "<dt>Turnover, last 12 months</dt><dd>28.6%</dd>" in html
    assert "<dt>Employees</dt><dd>3</dd>" in html
    sub_units = html.split("Units under this one", 1)[1].split("</section>", 1)[0]
    assert unit_links(sub_units) == ["T-LIL"]


def test_a_unit_with_nobody_has_no_turnover(org: Org, staff):
    response = english(client_for(staff)).get("/org/AG-ROU/")

    assert response.context["turnover"] is None
    assert "<dt>Turnover, last 12 months</dt><dd>–</dd>" in response.content.decode()


def test_the_own_unit_is_the_my_unit_section(org: Org, manager, regional):
    assert client_for(manager).get("/org/AG-LIL/").context["section"] == "unit"
    assert client_for(regional).get("/org/AG-LIL/").context["section"] == "org"


# ---------------------------------------------------------------- home and navigation


@pytest.mark.parametrize(
    ("persona", "focus", "active"),
    [
        ("lead", "HQ", 6),
        ("regional", "R-N", 4),
        ("manager", "AG-LIL", 3),
        ("frontline", "AG-LIL", 2),  # the team under Lille is not theirs to count
        ("outsider", None, None),
    ],
)
def test_home_is_about_the_users_unit(request, staff, outsider, persona, focus, active):
    response = client_for(request.getfixturevalue(persona)).get("/")

    assert response.status_code == 200
    unit = response.context["focus"]
    assert (unit.code if unit else None) == focus
    stats = response.context["stats"]
    assert (stats["active"] if stats else None) == active


ORG_SECTIONS = {"home", "unit", "org", "api", "admin"}


@pytest.mark.parametrize(
    ("persona", "sections", "persona_name"),
    [
        ("frontline", ["home", "unit"], "frontline"),
        ("manager", ["home", "unit", "org"], "manager"),
        ("lead", ["home", "org", "api"], "lead"),
        ("outsider", ["home"], "none"),
    ],
)
def test_navigation_of_each_persona(request, staff, outsider, persona, sections, persona_name):
    response = client_for(request.getfixturevalue(persona)).get("/")

    items = response.context["nav_items"]
    assert [item.section for item in items if item.section in ORG_SECTIONS] == sections
    assert response.context["persona"] == persona_name
    urls = {item.section: item.url for item in items}
    if "unit" in sections:
        assert urls["unit"] == "/org/AG-LIL/"
    if "api" in sections:
        assert urls["api"] == "/api/docs"


# ---------------------------------------------------------------- query counts


def grow(parent: Unit, n: int, start: int = 0) -> None:
    """Sub-units (each with a child of its own) and people under `parent`, `n` of each."""
    advisor = Role.objects.get(code="advisor")
    for i in range(start, start + n):
        child = unit_create(
            code=f"{parent.code}-{i}", name=f"Sub {i:02}", kind="team", parent=parent
        )
        unit_create(code=f"{parent.code}-{i}-x", name=f"Leaf {i:02}", kind="team", parent=child)
        employee_create(
            external_id=f"{parent.code}-E{i}", email=f"{parent.code.lower()}.{i}@example.fr",
            first_name="Nina", last_name=f"N{i:02}", unit=child, role=advisor,
            hire_date=dt.date(2022, 1, 1), is_manager=i == 0,
        )  # fmt: skip


def count_queries(client: Client, url: str, **headers: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize(
    ("url", "headers", "expected"),
    [
        # session, user, employee; unit; count + page of people; headcounts; crumbs; children
        ("/org/BIG/", {}, 9),
        # session, user, employee; unit; count + page of people
        ("/org/BIG/", {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "employees"}, 6),
        # session, user, employee; unit; children with their counts
        ("/org/BIG/children/", {"HTTP_HX_REQUEST": "true"}, 5),
        # session, user, employee; matching units
        ("/org/?q=Sub", {}, 4),
        ("/org/?q=Sub", {"HTTP_HX_REQUEST": "true"}, 4),
        # session, user, employee; roots with their counts
        ("/org/", {}, 4),
    ],
)
def test_pages_cost_the_same_queries_for_3_or_30_rows(org: Org, lead, url, headers, expected):
    big = unit_create(code="BIG", name="Big", kind="area", parent=org.south)
    grow(big, 3)
    client = client_for(lead)
    client.get(url, **headers)  # warm up: nothing cached across requests, but be fair

    with_3 = count_queries(client, url, **headers)
    grow(big, 27, start=3)
    with_30 = count_queries(client, url, **headers)

    assert (with_3, with_30) == (expected, expected)

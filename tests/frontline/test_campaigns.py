"""Every employee sees the campaigns live now, and those coming before customers do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import client_for
from tests.frontline.conftest import campaign_create

pytestmark = pytest.mark.django_db


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


def test_a_campaign_between_its_internal_and_external_launch_is_coming(frontline):
    today = timezone.localdate()
    day = dt.timedelta(days=1)
    campaign_create(
        "C1",
        "Assurance habitation",
        internal=today - day,
        external=today + 7 * day,
        end=today + 30 * day,
    )
    campaign_create(
        "C2",
        "Livret Été",
        internal=today - 9 * day,
        external=today - 2 * day,
        end=today + 3 * day,
        offer="Prime de 50 €",
    )
    campaign_create(
        "C3",
        "Soldes d'hiver",
        internal=today - 60 * day,
        external=today - 50 * day,
        end=today - day,
    )
    campaign_create(
        "C4", "Crédit auto", internal=today + day, external=today + 5 * day, end=today + 9 * day
    )
    response = client_for(frontline).get("/campaigns/")
    page = response.content.decode()
    assert response.status_code == 200
    assert [c.name for c in response.context["campaigns"]["coming"]] == ["Assurance habitation"]
    assert [c.name for c in response.context["campaigns"]["live"]] == ["Livret Été"]
    assert "Assurance habitation" in _section(page, "coming-h")
    assert "Livret Été" in _section(page, "live-h") and "Prime de 50 €" in page
    # Ended yesterday; not yet announced to employees.
    assert "Soldes" not in page and "Crédit auto" not in page


def test_the_last_day_is_still_live(frontline):
    today = timezone.localdate()
    campaign_create(
        "C1",
        "Dernier jour",
        internal=today - dt.timedelta(days=5),
        external=today - dt.timedelta(days=2),
        end=today,
    )
    response = client_for(frontline).get("/campaigns/")
    assert [c.name for c in response.context["campaigns"]["live"]] == ["Dernier jour"]


def test_every_employee_sees_campaigns_and_nobody_else(frontline, manager, lead, outsider):
    for person in (frontline, manager, lead):
        assert client_for(person).get("/campaigns/").status_code == 200
    assert client_for(outsider).get("/campaigns/").status_code == 404


def test_every_persona_has_customers_and_campaigns_in_the_navigation(frontline, manager, lead):
    for person in (frontline, manager, lead):
        page = client_for(person).get("/").content.decode()
        assert 'href="/workspace/"' in page and 'href="/campaigns/"' in page


def test_the_frontline_home_leads_to_the_workspace(frontline):
    page = client_for(frontline).get("/").content.decode()
    assert 'action="/workspace/"' in page
    assert 'id="home-q"' in page and "autofocus" in page


def test_the_campaigns_page_costs_a_fixed_number_of_queries(frontline, django_assert_num_queries):
    today = timezone.localdate()
    for n in range(4):
        campaign_create(
            f"C{n}",
            f"Campagne {n}",
            internal=today - dt.timedelta(days=5),
            external=today + dt.timedelta(days=n - 2),
            end=today + dt.timedelta(days=9),
        )
    client = client_for(frontline)
    client.get("/campaigns/")
    # session, user, employee; live, coming.
    with django_assert_num_queries(5):
        response = client.get("/campaigns/")
    assert len(response.context["campaigns"]["live"]) == 3
    assert len(response.context["campaigns"]["coming"]) == 1

"""One search box: any identifier however typed, or a name with accents and case ignored."""

from __future__ import annotations

import pytest

from tests.conftest import client_for
from tests.frontline.conftest import Customers

pytestmark = pytest.mark.django_db


def _screen_url(customer) -> str:
    return f"/workspace/customers/{customer.pk}/"


@pytest.mark.parametrize(
    "typed",
    [
        "2901 2345 6789",  # loyalty card, as printed
        "290123456789",  # loyalty card, all digits
        " 2901-2345-6789 ",  # loyalty card, dashes and stray spaces
        "06 12 34 56 78",  # phone, national
        "0612345678",
        "+33 6 12 34 56 78",  # phone, international
        "+33612345678",
        "06.12.34.56.78",
        "elodie.lefevre@example.fr",  # e-mail, any case
        "ELODIE.LEFEVRE@EXAMPLE.FR",
        "  Elodie.Lefevre@example.FR ",
        "FR76 3000 1000 42",  # account number
        "fr7630001000-42",
        "ct 2024 0042",  # contract number
        "CT20240042",
    ],
)
def test_an_identifier_however_typed_opens_the_customer(typed, frontline, customers: Customers):
    response = client_for(frontline).get("/workspace/", {"q": typed})
    assert response.status_code == 302
    assert response["Location"] == _screen_url(customers.elodie)


@pytest.mark.parametrize("typed", ["lefevre", "LEFÈVRE", "Élodie", "elodie lef", "lefèvre élodie"])
def test_a_name_without_accents_or_case_lists_the_customer(typed, frontline, customers: Customers):
    response = client_for(frontline).get("/workspace/", {"q": typed})
    assert response.status_code == 200
    hits = [hit.customer for hit in response.context["hits"]]
    assert hits == [customers.elodie]
    assert _screen_url(customers.elodie) in response.content.decode()


def test_several_hits_show_a_list(frontline, customers: Customers):
    response = client_for(frontline).get("/workspace/", {"q": "lef"})
    assert response.status_code == 200
    # Sorted by last name: Lefèvre before Lefort.
    assert [hit.customer for hit in response.context["hits"]] == [
        customers.elodie,
        customers.eloise,
    ]
    page = response.content.decode()
    assert "Éloïse Lefort" in page and "Élodie Lefèvre" in page


def test_a_customer_outside_the_scope_is_not_found(frontline, customers: Customers):
    client = client_for(frontline)
    by_card = client.get("/workspace/", {"q": "1300 0000 0001"})
    by_name = client.get("/workspace/", {"q": "Marius"})
    assert by_card.status_code == 200 and by_card.context["hits"] == []
    assert by_name.status_code == 200 and by_name.context["hits"] == []
    for response in (by_card, by_name):
        page = response.content.decode()
        assert "Marius Sud" not in page and _screen_url(customers.marius) not in page


def test_the_search_box_is_focused_and_labelled(frontline, customers: Customers):
    page = client_for(frontline).get("/workspace/").content.decode()
    assert '<label for="workspace-q">' in page
    assert 'id="workspace-q"' in page and "autofocus" in page and "data-search" in page


def test_htmx_search_renders_the_results_only(frontline, customers: Customers):
    response = client_for(frontline).get("/workspace/", {"q": "lef"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and "<form" not in page
    assert "Éloïse Lefort" in page


def test_htmx_search_with_one_identity_hit_redirects_the_browser(frontline, customers):
    response = client_for(frontline).get("/workspace/", {"q": "0612345678"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == _screen_url(customers.elodie)


def test_search_costs_a_fixed_number_of_queries(
    frontline, customers: Customers, django_assert_num_queries
):
    client = client_for(frontline)
    client.get("/workspace/")  # session warm-up
    # session, user, employee; the identity lookup, then the name lookup.
    with django_assert_num_queries(5):
        response = client.get("/workspace/", {"q": "lef"})
    assert len(response.context["hits"]) == 2

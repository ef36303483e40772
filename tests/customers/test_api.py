"""The customers API: reads scoped by the org tree (404 outside), bulk upserts and their errors."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from symetrie.customers.models import Campaign, Customer, Delivery, Identity, Interaction
from symetrie.customers.services import customer_create, identity_add
from symetrie.org.models import Employee
from tests.conftest import Org, client_for

UTC = dt.UTC
ALL_BULK = ("change_customer", "change_identity", "change_interaction", "change_campaign",
            "change_delivery")  # fmt: skip


def english(client: Client) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def grant(employee: Employee, *codenames: str) -> None:
    employee.user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="customers", codename__in=codenames)
    )


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def state() -> tuple[list[Any], ...]:
    return (
        list(Customer.objects.order_by("pk").values()),
        list(Identity.objects.order_by("pk").values()),
        list(Interaction.objects.order_by("pk").values()),
        list(Campaign.objects.order_by("pk").values()),
        list(Delivery.objects.order_by("pk").values()),
    )


@pytest.fixture
def admin(lead: Employee) -> Client:
    """An org-wide lead allowed to change every customers model."""
    grant(lead, *ALL_BULK)
    return english(client_for(lead))


@pytest.fixture
def book(org: Org, frontline: Employee, teammate: Employee) -> dict[str, Customer]:
    """Customers across the tree.

    - LIL-1: served by Agence Lille; LIL-2: by the Lille team (under the agency);
    - ROU-1: by Agence Rouen, advised by Félix (a Lille frontline employee);
    - MAR-1: by Agence Marseille; NONE-1: by no unit.
    """
    made = {
        "LIL-1": customer_create(external_id="LIL-1", first_name="Élodie", last_name="Lefèvre",
                                 segment="premium", home_unit=org.lille, advisor=frontline),
        "LIL-2": customer_create(external_id="LIL-2", first_name="Jean", last_name="Dupont",
                                 segment="jeune", home_unit=org.lille_team),
        "ROU-1": customer_create(external_id="ROU-1", first_name="Chloé", last_name="Leroy",
                                 segment="premium", home_unit=org.rouen, advisor=frontline),
        "MAR-1": customer_create(external_id="MAR-1", first_name="Marius", last_name="Pagnol",
                                 home_unit=org.marseille),
        "NONE-1": customer_create(external_id="NONE-1", first_name="Zoé", last_name="Martin"),
    }  # fmt: skip
    identity_add(customer=made["LIL-1"], type="phone", value="06 12 34 56 78")
    identity_add(customer=made["LIL-1"], type="loyalty_card", value="4970 1234 5678")
    identity_add(customer=made["MAR-1"], type="email", value="marius@example.fr")
    return made


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["external_id"] for item in response.json()["items"]]


# ---------------------------------------------------------------- reads


def test_each_persona_lists_the_customers_of_their_part_of_the_tree(
    book, frontline, manager, regional, lead, stranger, outsider
):
    assert ids(client_for(lead).get("/api/customers")) == [
        "LIL-2", "LIL-1", "ROU-1", "NONE-1", "MAR-1",
    ]  # fmt: skip
    assert ids(client_for(regional).get("/api/customers")) == ["LIL-2", "LIL-1", "ROU-1"]
    assert ids(client_for(manager).get("/api/customers")) == ["LIL-2", "LIL-1"]
    # Félix serves the Lille agency (his team included) and advises ROU-1.
    assert ids(client_for(frontline).get("/api/customers")) == ["LIL-2", "LIL-1", "ROU-1"]
    assert ids(client_for(stranger).get("/api/customers")) == ["MAR-1"]
    assert ids(client_for(outsider).get("/api/customers")) == []
    assert Client().get("/api/customers").status_code == 401


def test_the_list_is_paginated_and_filtered(book, lead):
    client = client_for(lead)

    page = client.get("/api/customers?limit=2&offset=1").json()
    assert [c["external_id"] for c in page["items"]] == ["LIL-1", "ROU-1"]
    assert page["count"] == 5
    assert ids(client.get("/api/customers?segment=premium")) == ["LIL-1", "ROU-1"]
    assert ids(client.get("/api/customers?home_unit=AG-LIL")) == ["LIL-1"]
    assert ids(client.get("/api/customers?home_unit=AG-LIL&segment=jeune")) == []
    assert page["items"][0] == {
        "external_id": "LIL-1",
        "first_name": "Élodie",
        "last_name": "Lefèvre",
        "segment": "premium",
        "language": "fr",
        "preferred_channel": "",
        "consent_email": False,
        "consent_sms": False,
        "consent_phone": False,
        "home_unit_code": "AG-LIL",
        "advisor_external_id": "E-FRONT",
    }


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("+33 6 12 34 56 78", ["LIL-1"]),
        ("0612345678", ["LIL-1"]),
        ("4970-1234-5678", ["LIL-1"]),
        ("MARIUS@example.FR", ["MAR-1"]),
        ("lefevre", ["LIL-1"]),
        ("ÉLO", ["LIL-1"]),
        ("le", ["LIL-1", "ROU-1"]),
        ("jean dup", ["LIL-2"]),
        ("nobody", []),
    ],
)
def test_the_search_box_finds_any_identifier_however_typed_or_a_name(book, lead, query, found):
    assert ids(client_for(lead).get("/api/customers", {"q": query})) == found


def test_search_stays_within_the_scope(book, manager):
    assert ids(client_for(manager).get("/api/customers", {"q": "marius@example.fr"})) == []


def test_a_profile_shows_the_identities(book, frontline):
    response = client_for(frontline).get("/api/customers/LIL-1")

    assert response.status_code == 200
    assert response.json()["identities"] == [
        {"type": "loyalty_card", "value": "497012345678"},
        {"type": "phone", "value": "+33612345678"},
    ]


@pytest.mark.parametrize(
    ("persona", "external_id"),
    [("manager", "ROU-1"), ("manager", "MAR-1"), ("stranger", "LIL-1"), ("frontline", "NONE-1")],
)
def test_a_customer_outside_the_scope_is_not_found(request, book, persona, external_id):
    client = client_for(request.getfixturevalue(persona))

    for url in (f"/api/customers/{external_id}", f"/api/customers/{external_id}/interactions"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "No such customer."}
    assert client.get("/api/customers/NOPE").status_code == 404


@pytest.fixture
def timeline(book, org: Org, frontline: Employee) -> list[Interaction]:
    start = dt.datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    made = []
    for number, channel in enumerate(["branch", "phone", "email", "phone", "app"]):
        made.append(
            Interaction.objects.create(
                external_id=f"I-{number}", customer=book["LIL-1"], channel=channel,
                occurred_at=start + dt.timedelta(days=number // 2), subject=f"Sujet {number}",
                unit=org.lille if channel == "branch" else None,
                employee=frontline if channel == "branch" else None,
            )
        )  # fmt: skip
    Interaction.objects.create(
        external_id="I-MAR", customer=book["MAR-1"], channel="web", occurred_at=start,
        subject="Ailleurs",
    )  # fmt: skip
    return made


def test_the_timeline_is_latest_first_a_page_at_a_time(timeline, frontline):
    client = client_for(frontline)

    first = client.get("/api/customers/LIL-1/interactions?limit=2").json()
    second = client.get(f"/api/customers/LIL-1/interactions?limit=2&before={first['next']}")
    last = client.get(
        f"/api/customers/LIL-1/interactions?limit=2&before={second.json()['next']}"
    ).json()

    # Same day: the later id first.
    assert [i["external_id"] for i in first["items"]] == ["I-4", "I-3"]
    assert [i["external_id"] for i in second.json()["items"]] == ["I-2", "I-1"]
    assert [i["external_id"] for i in last["items"]] == ["I-0"]
    assert last["next"] is None
    assert last["items"][0] == {
        "external_id": "I-0",
        "occurred_at": "2024-03-01T09:00:00Z",
        "channel": "branch",
        "unit_code": "AG-LIL",
        "employee_external_id": "E-FRONT",
        "subject": "Sujet 0",
        "summary": "",
        "outcome": "",
        "campaign_external_id": None,
    }


def test_the_timeline_filters_by_channel_and_checks_its_parameters(timeline, frontline):
    client = client_for(frontline)

    phone = client.get("/api/customers/LIL-1/interactions?channel=phone").json()

    assert [i["external_id"] for i in phone["items"]] == ["I-3", "I-1"]
    assert client.get("/api/customers/LIL-1/interactions?channel=fax").status_code == 422
    assert client.get("/api/customers/LIL-1/interactions?limit=0").status_code == 422
    bad = client.get("/api/customers/LIL-1/interactions?before=yesterday")
    assert bad.status_code == 422
    assert bad.json() == {"detail": "`before` must be the `next` of a previous page"}


def test_the_timeline_costs_the_same_queries_whatever_its_length(
    timeline, frontline, django_assert_max_num_queries
):
    client = client_for(frontline)
    client.get("/api/customers/LIL-1/interactions")  # the session, the employee: warmed up
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/customers/LIL-1/interactions").json()["items"]) == 5


def test_campaigns_are_listed_for_employees(org: Org, frontline, outsider):
    for name, internal, external, end in [
        ("Printemps", dt.date(2024, 3, 1), dt.date(2024, 3, 8), dt.date(2024, 4, 30)),
        ("Été", dt.date(2024, 6, 1), dt.date(2024, 6, 8), dt.date(2024, 7, 31)),
    ]:
        Campaign.objects.create(
            external_id=name.upper(), name=name, channel="email", message="M", offer="O",
            audience_segments=["premium"], internal_launch=internal, external_launch=external,
            end=end,
        )  # fmt: skip
    client = client_for(frontline)

    listed = client.get("/api/campaigns").json()
    coming = client.get("/api/campaigns?on=2024-06-03").json()

    assert [c["external_id"] for c in listed["items"]] == ["ÉTÉ", "PRINTEMPS"]
    assert coming["items"] == [
        {
            "external_id": "ÉTÉ",
            "name": "Été",
            "channel": "email",
            "message": "M",
            "offer": "O",
            "audience": ["premium"],
            "internal_launch": "2024-06-01",
            "external_launch": "2024-06-08",
            "end": "2024-07-31",
        }
    ]
    assert client_for(outsider).get("/api/campaigns").json() == {"items": [], "count": 0}


# ---------------------------------------------------------------- bulk


def test_bulk_customers_and_a_rerun(admin, org, frontline):
    records = [
        {"external_id": "C-1", "first_name": "Élodie", "last_name": "Lefèvre",
         "home_unit_code": "AG-LIL", "advisor_external_id": "E-FRONT", "consent_email": True},
        {"external_id": "C-2", "first_name": "Jean", "last_name": "Dupont",
         "home_unit_code": "AG-NOPE"},
        {"external_id": "C-3", "first_name": "Zoé", "last_name": "Martin", "language": "de"},
    ]  # fmt: skip

    body = post(admin, "/api/customers/bulk", records).json()
    again = post(admin, "/api/customers/bulk", records[:1]).json()

    assert body == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 2,
        "rejects": [
            {"record": 1, "key": "C-2", "field": "home_unit_code",
             "reason": "unknown unit “AG-NOPE”"},
            {"record": 2, "key": "C-3", "field": "language",
             "reason": "“de” is not one of: en, fr"},
        ],
    }  # fmt: skip
    assert again == {"created": 0, "updated": 0, "unchanged": 1, "rejected": 0, "rejects": []}
    malformed = post(admin, "/api/customers/bulk", [records[0], "not an object"])
    assert (malformed.status_code, malformed.json()["errors"]) == (
        422, [{"record": 1, "field": None, "message": "Input should be a valid dictionary"}],
    )  # fmt: skip
    customer = Customer.objects.select_related("home_unit", "advisor").get()
    assert (customer.home_unit.code, customer.advisor.external_id, customer.consent_email) == (
        "AG-LIL", "E-FRONT", True,
    )  # fmt: skip


def test_bulk_identities_interactions_campaigns_deliveries(admin, book):
    def bulk(url: str, records: list[dict[str, Any]]) -> dict[str, Any]:
        response = post(admin, url, records)
        assert response.status_code == 200, response.content
        return response.json()  # type: ignore[no-any-return]

    assert bulk("/api/identities/bulk", [
        {"customer_external_id": "LIL-2", "type": "phone", "value": "07 00 00 00 01"},
        {"customer_external_id": "LIL-2", "type": "phone", "value": "+33 6 12 34 56 78"},
    ]) == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1, "rejects": [
        {"record": 1, "key": "+33 6 12 34 56 78", "field": "value",
         "reason": "already belongs to customer “LIL-1”"},
    ]}  # fmt: skip
    assert bulk("/api/campaigns/bulk", [
        {"external_id": "CAMP-1", "name": "Printemps", "channel": "email", "message": "M",
         "internal_launch": "2024-03-01", "external_launch": "2024-03-08", "end": "2024-04-30",
         "audience": ["premium", "jeune"]},
    ])["created"] == 1  # fmt: skip
    assert bulk("/api/interactions/bulk", [
        {"external_id": "I-1", "customer_external_id": "LIL-1", "occurred_at": "2024-03-08 10:00",
         "channel": "branch", "unit_code": "AG-LIL", "subject": "Offre vue par e-mail",
         "campaign_external_id": "CAMP-1"},
        {"external_id": "I-2", "customer_external_id": "NOPE", "occurred_at": "2024-03-08",
         "channel": "web", "subject": "?"},
    ]) == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1, "rejects": [
        {"record": 1, "key": "I-2", "field": "customer_external_id",
         "reason": "unknown customer “NOPE”"},
    ]}  # fmt: skip
    assert bulk("/api/deliveries/bulk", [
        {"campaign_external_id": "CAMP-1", "customer_external_id": "LIL-1",
         "sent_at": "2024-03-08T08:00:00Z"},
        {"campaign_external_id": "CAMP-2", "customer_external_id": "LIL-1",
         "sent_at": "2024-03-08T08:00:00Z"},
    ]) == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1, "rejects": [
        {"record": 1, "key": "LIL-1", "field": "campaign_external_id",
         "reason": "unknown campaign “CAMP-2”"},
    ]}  # fmt: skip
    assert Campaign.objects.get().audience_segments == ["jeune", "premium"]
    interaction = Interaction.objects.select_related("campaign", "unit").get()
    assert (interaction.campaign.external_id, interaction.unit.code, interaction.occurred_at) == (
        "CAMP-1", "AG-LIL", dt.datetime(2024, 3, 8, 9, 0, tzinfo=UTC),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("url", "record", "permission"),
    [
        ("/api/customers/bulk", {"external_id": "C-9", "first_name": "A", "last_name": "B"},
         "customers.change_customer"),
        ("/api/identities/bulk", {"customer_external_id": "LIL-1", "type": "email",
                                  "value": "x@example.fr"}, "customers.change_identity"),
        ("/api/interactions/bulk", {"external_id": "I-9", "customer_external_id": "LIL-1",
                                    "occurred_at": "2024-03-01", "channel": "web",
                                    "subject": "S"}, "customers.change_interaction"),
        ("/api/campaigns/bulk", {"external_id": "CAMP-9", "name": "N", "channel": "web",
                                 "message": "M", "internal_launch": "2024-03-01",
                                 "external_launch": "2024-03-01", "end": "2024-03-02"},
         "customers.change_campaign"),
        ("/api/deliveries/bulk", {"campaign_external_id": "CAMP-9",
                                  "customer_external_id": "LIL-1", "sent_at": "2024-03-01"},
         "customers.change_delivery"),
    ],
)  # fmt: skip
def test_bulk_needs_the_permission_and_an_org_wide_scope(
    book, manager, lead, url, record, permission
):
    before = state()
    # A manager holding every permission still does not see the whole organisation.
    grant(manager, *ALL_BULK)

    for client in (english(client_for(manager)), english(client_for(lead))):
        response = post(client, url, [record])
        assert response.status_code == 403
        assert response.json() == {
            "detail": f"writing here needs the '{permission}' permission, org-wide"
        }
    assert post(Client(), url, [record]).status_code == 401
    assert state() == before

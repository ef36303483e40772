"""The customers of the workspace tests, around the org of tests/conftest.py.

Élodie Lefèvre   Agence Lille, advised by Félix Frontline: every kind of identifier, a
                 handoff note, a campaign received
Éloïse Lefort    Agence Lille: a second "Lef…" for name searches
Marius Sud       Agence Marseille: outside Félix's scope
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from symetrie.customers.models import Campaign, Customer, Delivery, HandoffNote
from symetrie.customers.services import customer_create, handoff_note_add, identity_add
from symetrie.org.models import Employee
from tests.conftest import Org

CARD = "2901 2345 6789"
PHONE = "06 12 34 56 78"
EMAIL = "Elodie.Lefevre@Example.fr"
ACCOUNT = "FR76 3000 1000 42"
CONTRACT = "CT-2024/0042"


@dataclass
class Customers:
    elodie: Customer
    eloise: Customer
    marius: Customer
    note: HandoffNote
    stranger_note: HandoffNote
    campaign: Campaign


def campaign_create(
    external_id: str,
    name: str,
    *,
    internal: dt.date,
    external: dt.date,
    end: dt.date,
    offer: str = "",
    segments: list[str] | None = None,
) -> Campaign:
    return Campaign.objects.create(
        external_id=external_id,
        name=name,
        channel="email",
        message=f"Bonjour,\n{name} : profitez-en en agence.",
        offer=offer,
        audience_segments=segments or [],
        internal_launch=internal,
        external_launch=external,
        end=end,
    )


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    """These tests log in with force_login: hashing personas' passwords slowly buys nothing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def customers(org: Org, frontline: Employee, teammate: Employee, stranger: Employee) -> Customers:
    return customers_create(org, frontline=frontline, teammate=teammate, stranger=stranger)


def customers_create(
    org: Org, *, frontline: Employee, teammate: Employee, stranger: Employee
) -> Customers:
    """The customers above (also used by the browser tests)."""
    today = timezone.localdate()
    elodie = customer_create(
        external_id="C-ELODIE",
        first_name="Élodie",
        last_name="Lefèvre",
        segment="premium",
        home_unit=org.lille,
        advisor=frontline,
        preferred_channel="email",
    )
    for type_, value in [
        ("loyalty_card", CARD),
        ("phone", PHONE),
        ("email", EMAIL),
        ("account", ACCOUNT),
        ("contract", CONTRACT),
    ]:
        identity_add(customer=elodie, type=type_, value=value)
    eloise = customer_create(
        external_id="C-ELOISE", first_name="Éloïse", last_name="Lefort", home_unit=org.lille
    )
    identity_add(customer=eloise, type="loyalty_card", value="2901 0000 0001")
    marius = customer_create(
        external_id="C-MARIUS", first_name="Marius", last_name="Sud", home_unit=org.marseille
    )
    identity_add(customer=marius, type="loyalty_card", value="1300 0000 0001")
    identity_add(customer=marius, type="phone", value="04 91 00 00 01")
    note = handoff_note_add(
        actor=teammate, customer=elodie, text="Attend un appel sur son prêt immo avant vendredi."
    )
    stranger_note = handoff_note_add(actor=stranger, customer=marius, text="Rappeler lundi.")
    campaign = campaign_create(
        "CMP-LIVRET",
        "Livret Printemps",
        offer="Taux boosté 4 % pendant 3 mois",
        internal=today - dt.timedelta(days=20),
        external=today - dt.timedelta(days=10),
        end=today + dt.timedelta(days=30),
    )
    Delivery.objects.create(
        campaign=campaign, customer=elodie, sent_at=timezone.now() - dt.timedelta(days=9)
    )
    return Customers(elodie, eloise, marius, note, stranger_note, campaign)

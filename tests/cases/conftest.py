"""Cases around the org of tests/conftest.py.

Élodie Client   customer of Agence Lille (advised by Félix Frontline)
Marius Sud      customer of Agence Marseille
complaint       Élodie's complaint, opened by Félix in Agence Lille on Friday
                21 November 2025 at 17:00 (Paris), complaint / normal: 18 business hours
"""

from __future__ import annotations

import datetime as dt
import importlib
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.utils import translation

from symetrie.cases import services
from symetrie.cases.models import Case
from symetrie.customers.models import Customer
from symetrie.customers.services import customer_create
from symetrie.org.models import Employee
from tests.conftest import Org

PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


OPENED = paris(2025, 11, 21, 17)  # a Friday


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English, the source language."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def default_calendar(settings):
    """The default business calendar, whatever the machine's settings."""
    settings.TIME_ZONE = "Europe/Paris"
    for name in ("CASES_BUSINESS_HOURS", "CASES_HOLIDAYS_SUBDIVISION", "CASES_TIME_ZONE"):
        if hasattr(settings, name):
            delattr(settings, name)


@pytest.fixture(autouse=True)
def sla_policies(request):
    """The seeded SLA policies, put back if a transactional test elsewhere flushed them."""
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        seed = importlib.import_module("symetrie.cases.migrations.0003_sla_policies").seed
        seed(apps, None)


@pytest.fixture
def elodie(org: Org, frontline: Employee) -> Customer:
    return customer_create(
        external_id="C-ELODIE", first_name="Élodie", last_name="Client", home_unit=org.lille,
        advisor=frontline,
    )  # fmt: skip


@pytest.fixture
def marius(org: Org) -> Customer:
    return customer_create(
        external_id="C-MARIUS", first_name="Marius", last_name="Sud", home_unit=org.marseille
    )


@pytest.fixture
def complaint(frontline: Employee, elodie: Customer) -> Case:
    return services.case_open(
        actor=frontline, audience="customer", type="complaint", subject="Frais prélevés deux fois",
        customer=elodie, channel="branch", opened_at=OPENED,
    )  # fmt: skip


def state(case: Case) -> tuple[object, ...]:
    """Everything a refused action must leave as it was."""
    case.refresh_from_db()
    return (
        case.status, case.owner_id, case.unit_id, case.next_step, case.due_at, case.resolved_at,
        case.closed_at, case.first_contact_resolution, case.events.count(),
        case.commitments.count(), case.decisions.count(), case.escalations.count(),
    )  # fmt: skip

"""Shared fixtures: a small org tree and one persona for each kind of user.

HQ  Banque Test (company)
├── SIEGE  Siège (department)              lead: Léa Lead (org-wide role)
├── R-N  Région Nord (region)              regional: Rémi Régional (manager)
│   ├── AG-LIL  Agence Lille (agency)      manager: Mona Manager; frontline: Félix Frontline
│   │   └── T-LIL  Équipe Lille (team)     teammate: Théo Team
│   └── AG-ROU  Agence Rouen (agency)
└── R-S  Région Sud (region)
    └── AG-MAR  Agence Marseille (agency)  stranger: Sam Sud (frontline)
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NoReturn

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from symetrie.org.models import Employee, Role, Unit
from symetrie.org.services import employee_create, unit_create

PASSWORD = "correct horse battery staple"


@dataclass
class Org:
    hq: Unit
    siege: Unit
    north: Unit
    lille: Unit
    lille_team: Unit
    rouen: Unit
    south: Unit
    marseille: Unit
    advisor: Role
    director: Role
    cx_lead: Role


def unavailable(message: str) -> NoReturn:
    """For a test that needs what this machine lacks: a skip here, a failure under CI=true,
    where a skip would let pass silently what CI must check."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (under CI=true this test may not be skipped)")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is slow by design; tests hash passwords with a fast hasher instead."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        # Still able to check a hash made by the production hasher.
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.fixture
def org(db: None) -> Org:
    hq = unit_create(code="HQ", name="Banque Test", kind="company")
    siege = unit_create(code="SIEGE", name="Siège", kind="department", parent=hq)
    north = unit_create(code="R-N", name="Région Nord", kind="region", parent=hq)
    lille = unit_create(code="AG-LIL", name="Agence Lille", kind="agency", parent=north)
    lille_team = unit_create(code="T-LIL", name="Équipe Lille", kind="team", parent=lille)
    rouen = unit_create(code="AG-ROU", name="Agence Rouen", kind="agency", parent=north)
    south = unit_create(code="R-S", name="Région Sud", kind="region", parent=hq)
    marseille = unit_create(code="AG-MAR", name="Agence Marseille", kind="agency", parent=south)
    advisor = Role.objects.create(
        code="advisor", name="Conseiller", goodwill_max_eur=Decimal("50"), decisions=["report"]
    )
    director = Role.objects.create(
        code="director",
        name="Directeur d'agence",
        goodwill_max_eur=Decimal("300"),
        may_waive_fees=True,
    )
    cx_lead = Role.objects.create(code="cx_lead", name="Responsable CX", is_org_wide=True)
    return Org(
        hq, siege, north, lille, lille_team, rouen, south, marseille, advisor, director, cx_lead
    )


def _employee(
    org: Org,
    external_id: str,
    first: str,
    last: str,
    unit: Unit,
    role: Role,
    *,
    manager: bool = False,
    leave: dt.date | None = None,
) -> Employee:
    return employee_create(
        external_id=external_id,
        email=f"{first.lower()}.{last.lower()}@example.fr",
        first_name=first,
        last_name=last,
        unit=unit,
        role=role,
        hire_date=dt.date(2020, 1, 6),
        leave_date=leave,
        is_manager=manager,
        password=PASSWORD,
    )


@pytest.fixture
def frontline(org: Org) -> Employee:
    return _employee(org, "E-FRONT", "Félix", "Frontline", org.lille, org.advisor)


@pytest.fixture
def teammate(org: Org) -> Employee:
    return _employee(org, "E-TEAM", "Théo", "Team", org.lille_team, org.advisor)


@pytest.fixture
def manager(org: Org) -> Employee:
    return _employee(org, "E-MGR", "Mona", "Manager", org.lille, org.director, manager=True)


@pytest.fixture
def regional(org: Org) -> Employee:
    return _employee(org, "E-REG", "Rémi", "Régional", org.north, org.director, manager=True)


@pytest.fixture
def lead(org: Org) -> Employee:
    return _employee(org, "E-LEAD", "Léa", "Lead", org.siege, org.cx_lead)


@pytest.fixture
def stranger(org: Org) -> Employee:
    return _employee(org, "E-SUD", "Sam", "Sud", org.marseille, org.advisor)


@pytest.fixture
def departed(org: Org) -> Employee:
    return _employee(
        org,
        "E-GONE",
        "Gaston",
        "Gone",
        org.lille,
        org.director,
        manager=True,
        leave=dt.date(2021, 6, 30),
    )


@pytest.fixture
def outsider(db: None) -> object:
    """A user account with no employee record."""
    return get_user_model().objects.create_user(
        username="olga.outsider@example.fr", email="olga.outsider@example.fr", password=PASSWORD
    )


def client_for(employee_or_user: Employee | object) -> Client:
    """A test client logged in as this employee (or bare user)."""
    user = getattr(employee_or_user, "user", employee_or_user)
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client

"""Each printed persona logs in with the demo password and lands in the right scope."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from symetrie.demo.personas import DEMO_PASSWORD, PERSONAS, persona_logins
from symetrie.org.models import Employee, Unit
from symetrie.org.selectors import Persona, Reach, employee_for, persona_for, scope_for

pytestmark = pytest.mark.usefixtures("db")

EMAILS = {spec.key: spec.email for spec in PERSONAS}


def user(key: str):
    return get_user_model().objects.get(username=EMAILS[key])


def test_every_printed_persona_is_in_the_database(demo):
    logins = persona_logins()

    assert [login.email for login in logins] == [spec.email for spec in PERSONAS]
    assert demo.personas == logins
    assert logins[0].email == "conseiller@demo.symetrie.fr"


@pytest.mark.parametrize("key", [spec.key for spec in PERSONAS])
def test_each_persona_logs_in_with_the_demo_password_and_sees_a_home_page(demo, key):
    client = Client()

    assert client.login(username=EMAILS[key], password=DEMO_PASSWORD)
    assert client.get("/").status_code == 200
    assert not Client().login(username=EMAILS[key], password="wrong password")


def test_frontline_is_an_adviser_of_the_lyon_agency_among_colleagues(demo):
    frontline = user("frontline")
    employee = employee_for(frontline)
    assert employee is not None
    colleagues = Employee.objects.active_on(demo.today).filter(unit=employee.unit)

    assert employee.role.code == "conseiller_clientele"
    assert employee.unit.code == "AG-LYON-PART-DIEU-PAR"
    assert employee.unit.parent.code == "AG-LYON-PART-DIEU"
    assert colleagues.count() >= 5
    assert (persona_for(frontline), scope_for(frontline).reach) == (
        Persona.FRONTLINE,
        Reach.OWN_UNIT,
    )
    assert scope_for(frontline).unit_id == employee.unit_id


def test_manager_runs_the_frontline_personas_agency(demo):
    manager = user("manager")
    agency = Unit.objects.get(code="AG-LYON-PART-DIEU")
    scope = scope_for(manager)

    assert employee_for(manager).role.code == "directeur_agence"
    assert persona_for(manager) is Persona.MANAGER
    assert (scope.reach, scope.path) == (Reach.SUBTREE, agency.path)
    assert scope.contains(employee_for(user("frontline")).unit)


def test_regional_director_sees_the_region_of_that_agency(demo):
    regional = user("regional")
    region = Unit.objects.get(code="R-ARA")
    scope = scope_for(regional)

    assert employee_for(regional).role.code == "directeur_regional"
    assert (scope.reach, scope.path) == (Reach.SUBTREE, region.path)
    assert scope.contains(Unit.objects.get(code="AG-LYON-PART-DIEU"))
    assert not scope.contains(Unit.objects.get(code="R-IDF"))


@pytest.mark.parametrize(
    ("key", "role"),
    [
        ("cx_lead", "responsable_cx"),
        ("ex_lead", "responsable_ex"),
        ("executive", "directeur_general"),
    ],
)
def test_leads_and_executive_see_the_whole_organisation(demo, key, role):
    lead = user(key)

    assert employee_for(lead).role.code == role
    assert employee_for(lead).unit.parent.code == "SIEGE"
    assert (persona_for(lead), scope_for(lead).reach) == (Persona.LEAD, Reach.EVERYTHING)


def test_admin_is_a_superuser_with_no_employee_record(demo):
    admin = user("admin")

    assert (admin.is_staff, admin.is_superuser) == (True, True)
    assert employee_for(admin) is None
    assert scope_for(admin).reach is Reach.EVERYTHING

"""A customer answers an NPS survey on a phone, in French, from the keyboard and the touch
screen; an employee answers a pulse, and their draft stays on their device only."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from symetrie.customers.services import customer_create
from symetrie.listening import distribution, services
from symetrie.listening.models import Answer, CustomerLink, Participation, Response
from tests.listening.conftest import NPS_QUESTIONS, PULSE_QUESTIONS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    """The page saved in the background: wait for the database to show it."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not saved in time"
        time.sleep(0.05)


def test_a_customer_answers_an_nps_survey_on_a_phone_in_french(page: Page, live_server, org):
    survey = services.survey_create(
        external_id="NPS-E2E",
        audience="customer",
        kind="relationship_nps",
        title={"fr": "Votre avis compte", "en": "Your opinion matters"},
        questions=NPS_QUESTIONS,
    )
    services.survey_open(survey=survey)
    customer = customer_create(
        external_id="C-E2E", first_name="Anne", last_name="Client", home_unit=org.lille
    )
    invitation, token = distribution.invitation_create(
        survey=survey, customer=customer, channel="link"
    )
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/s/{token}/")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Votre avis compte")
    group = page.get_by_role("group", name="Recommanderiez-vous notre banque à un proche ?")
    expect(group.get_by_role("radio")).to_have_count(11)
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Keyboard: into the scale, arrows move the choice.
    group.get_by_role("radio", name="8").check()
    page.keyboard.press("ArrowRight")
    expect(group.get_by_role("radio", name="9")).to_be_checked()
    # Saved as it goes (htmx): the NPS is kept even if the page were left now.
    expect(page.locator("#save-status")).to_have_text("Vos réponses en cours sont enregistrées.")
    eventually(lambda: list(Answer.objects.values_list("number", flat=True)) == [9])

    page.get_by_label("Pourquoi ?").fill("Conseillère très à l'écoute")
    page.get_by_role("button", name="Envoyer mes réponses").click()

    expect(page.locator("h1")).to_have_text("Merci !")
    response = Response.objects.get()
    assert response.is_complete is True
    assert dict(response.answers.values_list("code", "number")) == {"nps": 9, "comment": None}
    assert response.answers.get(code="comment").text == "Conseillère très à l'écoute"
    assert CustomerLink.objects.get().invitation == invitation

    # The same link again: kindly refused.
    page.goto(f"{live_server.url}/s/{token}/")
    expect(page.locator("h1")).to_have_text("Ce lien a déjà été utilisé")


def test_an_employee_answers_a_pulse(page: Page, live_server, org, frontline):
    survey = services.survey_create(
        external_id="PULSE-E2E",
        audience="employee",
        kind="pulse",
        title={"fr": "Pouls du mois", "en": "Monthly pulse"},
        questions=PULSE_QUESTIONS,
        cadence="monthly",
    )
    services.survey_open(survey=survey)
    _invitation, token = distribution.invitation_create(
        survey=survey, employee=frontline, channel="link"
    )
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/s/{token}/")
    expect(page.locator(".answer-note")).to_contain_text("Vos réponses sont anonymes")

    group = page.get_by_role("group", name="Recommanderiez-vous votre entreprise comme employeur ?")
    group.get_by_role("radio", name="7").check()
    page.get_by_label("Qu'est-ce qui changerait tout ?").fill("Moins de reporting")
    # The draft stays on the device; the server holds nothing until it is sent.
    expect(page.locator("#save-status")).to_have_text(
        "Vos réponses en cours sont gardées sur cet appareil."
    )
    assert Response.objects.count() == 0
    page.reload()
    expect(group.get_by_role("radio", name="7")).to_be_checked()
    expect(page.get_by_label("Qu'est-ce qui changerait tout ?")).to_have_value("Moins de reporting")

    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.locator("h1")).to_have_text("Merci !")
    response = Response.objects.get()
    assert dict(response.answers.values_list("code", "number")) == {"enps": 7, "comment": None}
    assert Participation.objects.get().employee == frontline
    assert page.evaluate("Object.keys(window.localStorage).length") == 0

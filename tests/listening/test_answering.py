"""The public answer pages: in the respondent's language, saved as they go (customers), single
use under concurrency, kind refusals for a used, expired or unknown link."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from symetrie.customers.models import Customer
from symetrie.customers.services import customer_create
from symetrie.listening import answering, distribution, services
from symetrie.listening.bands import tenure_band
from symetrie.listening.models import (
    Answer,
    ConfidentialLink,
    CustomerLink,
    Invitation,
    Participation,
    Response,
    Survey,
)
from symetrie.org.models import Employee
from tests.conftest import Org
from tests.listening.conftest import PULSE_QUESTIONS


@pytest.fixture
def anne(org: Org) -> Customer:
    return customer_create(
        external_id="C-ANNE", first_name="Anne", last_name="Client", home_unit=org.lille
    )


def invite(survey: Survey, **person: object) -> tuple[Invitation, str]:
    return distribution.invitation_create(survey=survey, channel="link", **person)  # type: ignore[arg-type]


def answers_state() -> tuple[int, int, int, int]:
    return (
        Response.objects.count(),
        Answer.objects.count(),
        CustomerLink.objects.count(),
        Participation.objects.count(),
    )


# ---------------------------------------------------------------- the page


def test_the_page_speaks_the_invitations_language_and_labels_every_input(nps_survey, anne):
    _invitation, token = invite(nps_survey, customer=anne)
    page = Client().get(f"/s/{token}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    assert '<html lang="fr">' in html
    assert "<legend>Recommanderiez-vous notre banque à un proche ?" in html
    # A scale is a fieldset of eleven real radios, each inside its label.
    assert html.count('type="radio" name="q_nps"') == 11
    assert '<label for="q_comment">Pourquoi ?</label>' in html
    assert "0 : pas du tout probable" in html
    assert "Envoyer mes réponses" in html
    assert f'href="/s/{token}/opt-out/?lang=fr"' in html


def test_the_respondent_may_switch_to_another_language_of_the_survey(nps_survey, anne):
    _invitation, token = invite(nps_survey, customer=anne)
    html = Client().get(f"/s/{token}/?lang=en").content.decode()
    assert '<html lang="en">' in html
    assert "Would you recommend our bank to a friend?" in html
    assert "Send my answers" in html
    assert '<a href="?lang=fr" lang="fr" hreflang="fr">français</a>' in html


def test_a_customer_answers_and_sees_the_thank_you_page(nps_survey, anne):
    invitation, token = invite(nps_survey, customer=anne)
    client = Client()
    done = client.post(
        f"/s/{token}/", {"q_nps": "9", "q_comment": "Très bon accueil", "lang": "fr"}
    )
    assert done.status_code == 302
    assert done["Location"] == "/s/thanks/?lang=fr"
    assert "Merci !" in client.get(done["Location"]).content.decode()
    response = Response.objects.get()
    assert (response.is_complete, response.language, response.unit) == (True, "fr", anne.home_unit)
    assert dict(response.answers.values_list("code", "number")) == {"nps": 9, "comment": None}
    assert response.answers.get(code="comment").text == "Très bon accueil"
    link = CustomerLink.objects.get()
    assert (link.customer, link.invitation) == (anne, invitation)
    invitation.refresh_from_db()
    assert invitation.used is True


def test_a_wrong_answer_is_refused_on_the_page_and_nothing_is_recorded(nps_survey, anne):
    invitation, token = invite(nps_survey, customer=anne)
    page = Client().post(f"/s/{token}/", {"q_nps": "12", "q_comment": "Bof"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "Donnez un nombre de 0 à 10." in html or "Give a number from 0 to 10." in html
    assert "Bof</textarea>" in html
    assert answers_state() == (0, 0, 0, 0)
    invitation.refresh_from_db()
    assert invitation.used is False


def test_a_used_link_thanks_kindly(nps_survey, anne):
    _invitation, token = invite(nps_survey, customer=anne)
    client = Client()
    client.post(f"/s/{token}/", {"q_nps": "10"})
    again = client.get(f"/s/{token}/")
    assert again.status_code == 200
    assert "Ce lien a déjà été utilisé" in again.content.decode()
    twice = client.post(f"/s/{token}/", {"q_nps": "0"})
    assert twice.status_code == 200
    assert list(Answer.objects.values_list("number", flat=True)) == [10]


def test_an_expired_link_says_so(nps_survey, anne):
    invitation, token = invite(nps_survey, customer=anne)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    page = Client().get(f"/s/{token}/")
    assert page.status_code == 410
    assert "Ce lien a expiré" in page.content.decode()
    assert Client().post(f"/s/{token}/", {"q_nps": "5"}).status_code == 410
    assert answers_state() == (0, 0, 0, 0)


def test_an_unknown_token_is_not_found(nps_survey):
    page = Client().get("/s/not-a-token/")
    assert page.status_code == 404
    assert "Ce lien ne fonctionne pas" in page.content.decode()


# ---------------------------------------------------------------- saving as they go


def test_a_customers_answers_are_saved_as_they_go_and_completed_at_the_end(nps_survey, anne):
    invitation, token = invite(nps_survey, customer=anne)
    client = Client()
    # Nothing to keep before the required NPS.
    early = client.post(f"/s/{token}/save/", {"q_comment": "Long"}, HTTP_HX_REQUEST="true")
    assert early.status_code == 200
    assert answers_state() == (0, 0, 0, 0)
    saved = client.post(f"/s/{token}/save/", {"q_nps": "4"}, HTTP_HX_REQUEST="true")
    assert saved.content.decode().startswith('<p id="save-status"')
    assert "Vos réponses en cours sont enregistrées." in saved.content.decode()
    client.post(
        f"/s/{token}/save/", {"q_nps": "3", "q_comment": "Trop d'attente"}, HTTP_HX_REQUEST="true"
    )
    draft = Response.objects.get()
    assert draft.is_complete is False
    assert dict(draft.answers.values_list("code", "number")) == {"nps": 3, "comment": None}
    # Coming back to the page shows the draft.
    html = client.get(f"/s/{token}/").content.decode()
    assert 'value="3" checked' in html
    assert "Trop d&#x27;attente</textarea>" in html
    invitation.refresh_from_db()
    assert invitation.used is False

    client.post(f"/s/{token}/", {"q_nps": "5", "q_comment": "Trop d'attente"})
    final = Response.objects.get()
    assert (final.is_complete, final.answers.get(code="nps").number) == (True, 5)
    assert CustomerLink.objects.get().invitation == invitation


def test_a_wrong_draft_answer_is_said_and_not_saved(nps_survey, anne):
    _invitation, token = invite(nps_survey, customer=anne)
    page = Client().post(f"/s/{token}/save/", {"q_nps": "11"}, HTTP_HX_REQUEST="true")
    assert 'class="error"' in page.content.decode()
    assert answers_state() == (0, 0, 0, 0)


def test_a_draft_left_half_way_counts_after_a_day(nps_survey, anne):
    invitation, token = invite(nps_survey, customer=anne)
    Client().post(f"/s/{token}/save/", {"q_nps": "8"}, HTTP_HX_REQUEST="true")
    assert answering.drafts_complete_stale() == 0
    later = timezone.now() + dt.timedelta(hours=25)
    assert answering.drafts_complete_stale(now=later) == 1
    assert Response.objects.get().is_complete is True
    invitation.refresh_from_db()
    assert invitation.used is True


def test_employee_surveys_keep_no_draft_on_the_server(pulse_survey, frontline):
    _invitation, token = invite(pulse_survey, employee=frontline)
    client = Client()
    html = client.get(f"/s/{token}/").content.decode()
    assert 'data-draft="local"' in html
    assert "hx-post" not in html
    assert "/static/listening/answer.js" in html
    assert client.post(f"/s/{token}/save/", {"q_enps": "7"}).status_code == 404
    assert answers_state() == (0, 0, 0, 0)


def test_an_employee_answers_a_pulse_with_no_link_to_them(pulse_survey, frontline):
    _invitation, token = invite(pulse_survey, employee=frontline)
    html = Client().get(f"/s/{token}/").content.decode()
    assert "Vos réponses sont anonymes" in html
    assert "contact_requested" not in html
    Client().post(f"/s/{token}/", {"q_enps": "8", "q_comment": "Bonne équipe"})
    response = Response.objects.get()
    assert (response.is_complete, response.release) == (True, None)  # held back until k
    assert Participation.objects.get().employee == frontline
    assert ConfidentialLink.objects.count() == 0
    # Félix was hired on 6 January 2020: the answer keeps only his tenure's band.
    assert response.bands == {
        "tenure_band": "3to10y" if timezone.localdate().year < 2030 else "gt10y"
    }


def test_the_bands_of_an_employee_come_from_their_record_not_from_the_page(pulse_survey, frontline):
    _invitation, token = invite(pulse_survey, employee=frontline)
    Client().post(f"/s/{token}/", {"q_enps": "8", "bands": "tenure_band:lt1y"})
    assert Response.objects.get().bands == {
        "tenure_band": tenure_band(frontline.hire_date, timezone.localdate())
    }


def test_an_error_while_answering_reports_neither_the_answers_nor_the_answering_code_values(
    pulse_survey, frontline, monkeypatch
):
    from django.views.debug import ExceptionReporter

    _invitation, token = invite(pulse_survey, employee=frontline)

    def crash(**kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(answering, "answer_submit", crash)
    client = Client(raise_request_exception=False)
    response = client.post(f"/s/{token}/", {"q_enps": "2", "q_comment": "Mon chef me harcèle"})
    assert response.status_code == 500
    request = response.wsgi_request
    report = ExceptionReporter(request, *response.exc_info).get_traceback_text()
    assert "Mon chef me harcèle" not in report
    assert "q_enps" not in report or "********" in report
    assert Response.objects.count() == 0


def test_a_confidential_survey_offers_to_be_contacted_by_hr(org, frontline):
    survey = services.survey_create(
        external_id="EXIT",
        audience="employee",
        kind="exit",
        title={"fr": "Départ", "en": "Exit"},
        questions=PULSE_QUESTIONS,
        confidentiality="confidential",
    )
    services.survey_open(survey=survey)
    _invitation, token = invite(survey, employee=frontline)
    html = Client().get(f"/s/{token}/").content.decode()
    assert "Je souhaite que les RH me contactent" in html
    assert '<label for="contact_note">' in html
    Client().post(
        f"/s/{token}/",
        {"q_enps": "2", "contact_requested": "on", "contact_note": "Mon départ"},
    )
    link = ConfidentialLink.objects.get()
    assert (link.employee, link.contact_requested, link.contact_note) == (
        frontline,
        True,
        "Mon départ",
    )


# ---------------------------------------------------------------- single use under concurrency


def _concurrent_submissions(token: str, answers: dict[str, str], n: int = 20) -> list[int]:
    barrier = threading.Barrier(n)
    statuses: list[int] = []
    lock = threading.Lock()

    def submit() -> None:
        try:
            client = Client()
            barrier.wait(timeout=30)
            status = client.post(f"/s/{token}/", answers).status_code
            with lock:
                statuses.append(status)
        finally:
            connections.close_all()  # each thread has its own connection: close it

    threads = [threading.Thread(target=submit) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(statuses)


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submissions_with_one_token_make_one_answer(org, anne):
    survey = services.survey_create(
        external_id="NPS-RACE",
        audience="customer",
        kind="relationship_nps",
        title={"fr": "Course", "en": "Race"},
        questions=PULSE_QUESTIONS,
    )
    services.survey_open(survey=survey)
    invitation, token = invite(survey, customer=anne)
    assert connection.in_atomic_block is False  # set-up committed: the threads see it
    statuses = _concurrent_submissions(token, {"q_enps": "3", "q_comment": "Trop lent"})
    assert len(statuses) == 20
    assert statuses.count(302) == 1  # the one that recorded went on to the thank-you page
    assert statuses.count(200) == 19  # the others: "already used, thank you"
    assert (Response.objects.count(), Answer.objects.count(), CustomerLink.objects.count()) == (
        1,
        2,
        1,
    )
    invitation.refresh_from_db()
    assert invitation.used is True


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submissions_of_an_employee_make_one_answer(org, frontline: Employee):
    survey = services.survey_create(
        external_id="PULSE-RACE",
        audience="employee",
        kind="pulse",
        title={"fr": "Course", "en": "Race"},
        questions=PULSE_QUESTIONS,
    )
    services.survey_open(survey=survey)
    _invitation, token = invite(survey, employee=frontline)
    statuses = _concurrent_submissions(token, {"q_enps": "9"})
    assert (statuses.count(302), statuses.count(200)) == (1, 19)
    assert (Response.objects.count(), Participation.objects.count()) == (1, 1)

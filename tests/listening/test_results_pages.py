"""The results pages: who may open them, what a small team's manager sees, the htmx part."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from symetrie.listening.models import Survey
from symetrie.org.models import Employee
from tests.conftest import client_for
from tests.listening.test_results import LAST_MONTH, answer

pytestmark = pytest.mark.django_db


def results_url(survey: Survey, **query: str) -> str:
    url = reverse("listening:survey_results", args=[survey.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_manager_of_a_four_person_team_sees_no_figure_and_no_comment(
    pulse_survey: Survey, org: Any, manager: Employee
) -> None:
    for score in (9, 10, 3, 8):
        answer(
            pulse_survey,
            org.lille_team,
            score,
            comment="Le planning change sans cesse",
            at=LAST_MONTH,
        )
    response = client_for(manager).get(results_url(pulse_survey, unit="T-LIL"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pas assez de réponses pour protéger la confidentialité (moins de 5)." in page
    assert "Le planning change sans cesse" not in page
    assert "<strong>" not in page.split('id="results"')[1]  # no figure at all


def test_a_visible_unit_shows_its_score_interval_comments_and_children(
    pulse_survey: Survey, org: Any, manager: Employee
) -> None:
    for i in range(10):
        answer(pulse_survey, org.lille, 10 if i < 6 else 5, comment=f"Avis {i}", at=LAST_MONTH)
    page = client_for(manager).get(results_url(pulse_survey)).content.decode()
    assert "<strong>20,0</strong>" in page
    assert "Avis 7" in page
    assert "Équipe Lille" in page  # the team below, itself without answers


def test_results_are_for_managers_and_leads_only(
    pulse_survey: Survey, frontline: Employee, stranger: Employee, outsider: Any
) -> None:
    for person in (frontline, stranger, outsider):
        assert client_for(person).get(results_url(pulse_survey)).status_code == 404
    assert client_for(frontline).get(reverse("listening:results")).status_code == 200


def test_a_unit_outside_the_managers_subtree_is_not_found(
    pulse_survey: Survey, manager: Employee
) -> None:
    assert client_for(manager).get(results_url(pulse_survey, unit="AG-MAR")).status_code == 404


def test_the_list_shows_the_surveys_the_viewer_may_open(
    pulse_survey: Survey, nps_survey: Survey, manager: Employee, frontline: Employee
) -> None:
    manager_page = client_for(manager).get(reverse("listening:results")).content.decode()
    assert "Pouls du mois" in manager_page and "Votre avis compte" in manager_page
    frontline_page = client_for(frontline).get(reverse("listening:results")).content.decode()
    assert "Pouls du mois" not in frontline_page and "Votre avis compte" in frontline_page


def test_the_htmx_request_gets_only_the_results_part(
    pulse_survey: Survey, org: Any, lead: Employee
) -> None:
    for _ in range(5):
        answer(pulse_survey, org.marseille, 9, at=LAST_MONTH)
    response = client_for(lead).get(results_url(pulse_survey, unit="R-S"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results">')
    assert "<h1>" not in body and "Agence Marseille" in body


def test_the_results_page_makes_the_same_queries_however_many_answers(
    pulse_survey: Survey, org: Any, lead: Employee, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        answer(pulse_survey, org.marseille, 9, at=LAST_MONTH)
    client = client_for(lead)
    client.get(results_url(pulse_survey))
    with django_assert_max_num_queries(60) as few:
        client.get(results_url(pulse_survey))
    for _ in range(40):
        answer(pulse_survey, org.rouen, 7, at=LAST_MONTH)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(results_url(pulse_survey))


def test_rounds_and_months_read_as_people_say_them(
    pulse_survey: Survey, nps_survey: Survey, org: Any, lead: Employee
) -> None:
    from django.utils import timezone, translation
    from django.utils.formats import date_format

    from symetrie.listening import rounds

    assert rounds.period_label(pulse_survey, "2026-11-01") == "novembre 2026"
    assert rounds.period_label(nps_survey, "2026-10") == "octobre 2026"
    assert rounds.period_label(nps_survey, "2026-W45") == "semaine du 2 novembre 2026"
    pulse_survey.cadence = "quarterly"
    assert rounds.period_label(pulse_survey, "2026-10-01") == "T4 2026"
    for _ in range(5):
        answer(pulse_survey, org.marseille, 9, at=LAST_MONTH)
    page = client_for(lead).get(results_url(pulse_survey)).content.decode()
    start = timezone.localdate(LAST_MONTH).replace(day=1)
    with translation.override("fr"):
        label = date_format(start, "F Y")
    assert f'<option value="{start.isoformat()}" selected>{label}</option>' in page

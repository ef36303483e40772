"""The results export: the rows of `survey_results_for`, with the same suppression as the pages
and the API — a suppressed group's row has its reason and no figure, no comment."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from symetrie.listening import services
from symetrie.listening.services import Submission
from tests.conftest import client_for


def answer(survey: Any, unit: Any, value: int, code: str, comment: str = "") -> None:
    answers = {code: value, **({"comment": comment} if comment else {})}
    services.response_record(survey=survey, unit=unit, submission=Submission(answers))


def rows(response: Any) -> list[dict[str, str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def pulse_answers(pulse_survey, org) -> Any:
    for value in (10, 9, 3, 8, 7):
        answer(pulse_survey, org.lille, value, "enps", comment="Trop de reporting")
    answer(pulse_survey, org.lille_team, 2, "enps", comment="Mon manager ne m'écoute pas")
    return pulse_survey


def test_the_export_of_a_small_team_has_no_figure_and_no_comment(manager, pulse_answers):
    client = client_for(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.get(f"/surveys/{pulse_answers.pk}/results.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="PULSE-results.csv"'
    found = rows(response)
    period = found[0]["period"]
    base = {"period": period, "question": "enps", "metric": "nps", "response_rate": ""}
    assert found == [
        {**base, "row": "group", "unit": "AG-LIL", "unit_name": "Agence Lille",
         "suppressed": "false", "reason": "", "n": "5", "score": "20.0", "ci_low": "-38.7",
         "ci_high": "63.7", "comments": ""},
        {**base, "row": "group", "unit": "T-LIL", "unit_name": "Équipe Lille",
         "suppressed": "true",
         "reason": "Not enough answers to protect confidentiality (fewer than 5).",
         "n": "", "score": "", "ci_low": "", "ci_high": "", "comments": ""},
        {**base, "row": "trend", "unit": "AG-LIL", "unit_name": "Agence Lille",
         "suppressed": "false", "reason": "", "n": "5", "score": "20.0", "ci_low": "-38.7",
         "ci_high": "63.7", "comments": ""},
    ]  # fmt: skip
    # Under k_comments (10): no comment anywhere in the file, not even the large group's.
    text = response.content.decode()
    assert "reporting" not in text and "écoute" not in text


def test_the_export_and_the_api_suppress_the_same_groups(lead, manager, pulse_answers):
    for viewer in (lead, manager):
        client = client_for(viewer)
        for query in ("", "?unit=AG-LIL", "?unit=T-LIL"):
            api = client.get(f"/api/surveys/{pulse_answers.pk}/results{query}").json()
            exported = rows(client.get(f"/surveys/{pulse_answers.pk}/results.csv{query}"))
            assert [(g["unit"], g["suppressed"], g["n"]) for g in api["groups"]] == [
                (r["unit"], r["suppressed"] == "true", int(r["n"]) if r["n"] else None)
                for r in exported
                if r["row"] == "group"
            ]


def test_comments_of_a_customer_survey_are_exported(lead, nps_survey, org):
    answer(nps_survey, org.lille, 9, "nps", comment="Conseillère très à l'écoute")
    found = rows(client_for(lead).get(f"/surveys/{nps_survey.pk}/results.csv?unit=AG-LIL"))
    assert [(r["row"], r["unit"], r["n"], r["score"], r["comments"]) for r in found] == [
        ("group", "AG-LIL", "1", "100.0", "Conseillère très à l'écoute"),
        ("group", "T-LIL", "0", "", ""),
        ("trend", "AG-LIL", "1", "100.0", ""),  # a trend's point: figures only
    ]


def test_the_export_follows_the_results_access_rule(frontline, stranger, pulse_answers, manager):
    url = f"/surveys/{pulse_answers.pk}/results.csv"
    assert client_for(frontline).get(url).status_code == 404
    assert client_for(manager).get(f"{url}?unit=AG-MAR").status_code == 404
    assert client_for(manager).get(f"{url}?band=tenure").status_code == 400
    assert Client().get(url).status_code == 302  # to the login page

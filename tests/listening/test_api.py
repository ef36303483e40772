"""The surveys API: exact JSON, pagination, creation by leads only with errors naming the field,
404 outside the caller's view, 401 without a login, results under the confidentiality rules
(a suppressed group has its reason and no figure), bulk upserts, the OpenAPI paths."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from symetrie.listening import services
from symetrie.listening.models import Question, Response, Survey
from symetrie.listening.services import Submission
from tests.conftest import client_for


def english(client: Client) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def lea(lead) -> Client:
    return english(client_for(lead))


NEW = {
    "external_id": "API-CSAT",
    "audience": "customer",
    "kind": "csat",
    "title": {"fr": "Votre satisfaction", "en": "Your satisfaction"},
    "questions": [
        {"code": "csat", "kind": "scale_5", "required": True,
         "text": {"fr": "Êtes-vous satisfait ?", "en": "Are you satisfied?"}},
        {"code": "topic", "kind": "single_choice", "text": {"fr": "Sujet", "en": "Topic"},
         "choices": [{"code": "card", "label": {"fr": "Carte", "en": "Card"}},
                     {"code": "loan", "label": {"fr": "Prêt", "en": "Loan"}}]},
    ],
}  # fmt: skip


def test_a_survey_as_json(lea, nps_survey):
    response = lea.get(f"/api/surveys/{nps_survey.pk}")
    assert response.status_code == 200
    body = response.json()
    opened = dt.datetime.fromisoformat(body.pop("opened_at"))
    assert abs(opened - nps_survey.opened_at) < dt.timedelta(milliseconds=1)
    assert body == {
        "id": nps_survey.pk,
        "external_id": "NPS-REL",
        "audience": "customer",
        "kind": "relationship_nps",
        "title": {"fr": "Votre avis compte", "en": "Your opinion matters"},
        "intro": {},
        "languages": ["fr", "en"],
        "confidentiality": "identified",
        "min_group_size": 5,
        "min_comment_group_size": 10,
        "cadence": "none",
        "unit_code": None,
        "status": "open",
        "closed_at": None,
        "questions": [
            {"code": "nps", "version": 1, "kind": "nps", "required": True, "choices": [],
             "text": {"fr": "Recommanderiez-vous notre banque à un proche ?",
                      "en": "Would you recommend our bank to a friend?"}},
            {"code": "comment", "version": 1, "kind": "text", "required": False, "choices": [],
             "text": {"fr": "Pourquoi ?", "en": "Why?"}},
        ],
    }  # fmt: skip


def test_the_list_filters_and_pages(lea, nps_survey, pulse_survey, django_assert_num_queries):
    post(lea, "/api/surveys", NEW)

    def ids(query: str) -> list[str]:
        response = lea.get(f"/api/surveys?{query}")
        assert response.status_code == 200, response.content
        return [item["external_id"] for item in response.json()["items"]]

    assert ids("") == ["API-CSAT", "PULSE", "NPS-REL"]
    assert ids("audience=employee") == ["PULSE"]
    assert ids("status=draft") == ["API-CSAT"]
    assert ids("kind=relationship_nps") == ["NPS-REL"]
    assert ids("limit=2") == ["API-CSAT", "PULSE"]
    assert ids("limit=2&offset=2") == ["NPS-REL"]
    assert lea.get("/api/surveys?limit=1").json()["count"] == 3
    with django_assert_num_queries(6):  # session, user, employee, count, page, questions
        lea.get("/api/surveys?limit=50")


def test_who_sees_which_survey(nps_survey, pulse_survey, frontline, manager, outsider):
    def ids(client: Client) -> list[str]:
        return [item["external_id"] for item in client.get("/api/surveys").json()["items"]]

    # Employee surveys' results are for managers and leads; a frontline employee answers them.
    assert ids(client_for(frontline)) == ["NPS-REL"]
    assert sorted(ids(client_for(manager))) == ["NPS-REL", "PULSE"]
    assert ids(client_for(outsider)) == []
    assert client_for(frontline).get(f"/api/surveys/{pulse_survey.pk}").status_code == 404
    assert client_for(outsider).get(f"/api/surveys/{nps_survey.pk}").status_code == 404
    assert client_for(frontline).get(f"/api/surveys/{pulse_survey.pk}/results").status_code == 404
    assert Client().get("/api/surveys").status_code == 401
    assert Client().get(f"/api/surveys/{nps_survey.pk}").status_code == 401
    assert Client().get(f"/api/surveys/{nps_survey.pk}/results").status_code == 401
    assert post(Client(), "/api/surveys", NEW).status_code == 401


def test_a_lead_creates_a_survey(lea, org):
    response = post(lea, "/api/surveys", {**NEW, "unit_code": "R-N", "min_group_size": 6,
                                          "min_comment_group_size": 12})  # fmt: skip
    assert response.status_code == 200, response.content
    survey = Survey.objects.get(external_id="API-CSAT")
    body = response.json()
    assert (body["id"], body["status"], body["unit_code"], body["min_group_size"]) == (
        survey.pk, "draft", "R-N", 6,
    )  # fmt: skip
    assert [q["code"] for q in body["questions"]] == ["csat", "topic"]
    assert body["questions"][1]["choices"] == NEW["questions"][1]["choices"]
    assert (survey.unit, survey.min_comment_group_size) == (org.north, 12)


@pytest.mark.parametrize("who", ["manager", "frontline"])
def test_only_a_lead_creates_surveys(request, who):
    response = post(client_for(request.getfixturevalue(who)), "/api/surveys", NEW)
    assert response.status_code == 403
    assert Survey.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"kind": "enps"},
         [{"record": None, "field": "kind",
           "message": "This kind of survey is not for this audience."}]),
        ({"external_id": "NPS-REL"},
         [{"record": None, "field": "external_id",
           "message": "a survey “NPS-REL” already exists"}]),
        ({"questions": [{"code": "csat", "kind": "scale_5", "text": {"fr": "Satisfait ?"}}]},
         [{"record": None, "field": "questions.csat", "message": "Give the text in en."}]),
        ({"questions": [{"code": "Csat", "kind": "scale_5", "text": {"fr": "?", "en": "?"}}]},
         [{"record": None, "field": "questions.0.code", "message": "“Csat”: use lower-case "
           "letters, digits and underscores, starting with a letter"}]),
        ({"unit_code": "NOPE"},
         [{"record": None, "field": "unit_code", "message": "unknown unit “NOPE”"}]),
        ({"min_group_size": 2},
         [{"record": None, "field": "min_group_size", "message": "Never below 3."}]),
    ],
)  # fmt: skip
def test_a_refused_survey_names_the_field(lea, nps_survey, body, errors):
    response = post(lea, "/api/surveys", {**NEW, **body})
    assert response.status_code == 422
    assert response.json() == {"detail": "refused", "errors": errors}
    assert list(Survey.objects.values_list("external_id", flat=True)) == ["NPS-REL"]


def test_a_malformed_survey_names_the_record_and_field(lea):
    questions = [{"code": "csat", "kind": "scale_5"}]
    response = post(lea, "/api/surveys", {**NEW, "questions": questions})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "invalid request",
        "errors": [{"record": 0, "field": "text", "message": "Field required"}],
    }
    response = post(lea, "/api/surveys", {k: v for k, v in NEW.items() if k != "title"})
    assert response.json()["errors"] == [
        {"record": None, "field": "payload.title", "message": "Field required"}
    ]
    assert Survey.objects.count() == 0


# ---------------------------------------------------------------- results


def answer(survey: Survey, unit: Any, value: int, code: str = "nps", **extra: Any) -> None:
    services.response_record(
        survey=survey, unit=unit, submission=Submission({code: value}, **extra)
    )


def test_results_of_a_customer_survey(lea, nps_survey, org):
    for value in (10, 9, 3):
        answer(nps_survey, org.lille, value)
    response = lea.get(f"/api/surveys/{nps_survey.pk}/results?unit=R-N")
    assert response.status_code == 200
    body = response.json()
    month = timezone.localdate().strftime("%Y-%m")
    lille = {
        "unit": "AG-LIL", "unit_name": "Agence Lille", "suppressed": False, "reason": "",
        "n": 3, "score": 33.3, "ci_low": -51.3, "ci_high": 84.7, "response_rate": None,
        "distribution": {str(v): (1 if v in (3, 9, 10) else 0) for v in range(11)},
        "comments": [], "comments_reason": "",
    }  # fmt: skip
    zeros = dict.fromkeys(lille["distribution"], 0)
    empty = {**lille, "unit": "AG-ROU", "unit_name": "Agence Rouen", "n": 0, "score": None,
             "ci_low": None, "ci_high": None, "distribution": zeros}  # fmt: skip
    assert body == {
        "survey": nps_survey.pk, "question": "nps", "metric": "nps", "period": None,
        "unit": "R-N", "band": None, "refusal": None,
        "groups": [{**lille, "unit": "R-N", "unit_name": "Région Nord"}, lille, empty],
        # A trend's points carry figures only: comments are read one period at a time.
        "trend": [{**lille, "unit": "R-N", "unit_name": "Région Nord", "period": month,
                   "comments": None}],
    }  # fmt: skip


def test_a_small_group_of_an_employee_survey_comes_back_suppressed(manager, pulse_survey, org):
    for value in (10, 9, 3, 8, 7):
        answer(pulse_survey, org.lille, value, code="enps")
    answer(pulse_survey, org.lille_team, 2, code="enps")
    response = english(client_for(manager)).get(f"/api/surveys/{pulse_survey.pk}/results")
    assert response.status_code == 200
    groups = response.json()["groups"]
    assert [(g["unit"], g["suppressed"], g["n"]) for g in groups] == [
        ("AG-LIL", False, 5), ("T-LIL", True, None),
    ]  # fmt: skip
    assert groups[1] == {
        "unit": "T-LIL", "unit_name": "Équipe Lille", "suppressed": True,
        "reason": "Not enough answers to protect confidentiality (fewer than 5).",
        "n": None, "score": None, "ci_low": None, "ci_high": None, "response_rate": None,
        "distribution": None, "comments": None, "comments_reason": "",
    }  # fmt: skip
    assert groups[0]["comments"] is None
    assert groups[0]["comments_reason"] == (
        "Comments are shown from 10 answers, to protect confidentiality."
    )


def test_results_filters(manager, lea, pulse_survey, org):
    client = english(client_for(manager))
    url = f"/api/surveys/{pulse_survey.pk}/results"
    assert client.get(f"{url}?unit=AG-MAR").status_code == 404  # outside Mona's subtree
    assert client.get(f"{url}?unit=T-LIL").json()["groups"][0]["unit"] == "T-LIL"
    assert client.get(f"{url}?band=tenure").json() == {
        "detail": "refused",
        "errors": [{"record": None, "field": "band",
                    "message": "use NAME_band:VALUE, e.g. tenure_band:lt1y"}],
    }  # fmt: skip
    banded = lea.get(f"{url}?band=tenure_band:lt1y").json()
    assert (banded["band"], banded["refusal"]) == (
        "tenure_band:lt1y",
        "Results by band are shown once the round is over: while it is open, answers are "
        "released by unit, and a band could reveal a single new answer.",
    )
    assert client.get(f"{url}?period=2020-13").status_code == 404


# ---------------------------------------------------------------- bulk and schema


def test_bulk_endpoints_need_an_org_wide_user_with_the_permission(lead, manager, org):
    record = {**NEW, "status": "open"}
    row = {"survey_external_id": "API-CSAT", "external_id": "R-1", "unit_code": "AG-LIL",
           "answered_at": "2025-11-21T10:00", "answers": {"csat": 5, "topic": "card"}}  # fmt: skip
    for client in (client_for(manager), client_for(lead)):
        assert post(client, "/api/surveys/bulk", [record]).status_code == 403
        assert post(client, "/api/survey_responses/bulk", [row]).status_code == 403
    assert Survey.objects.count() == 0
    lead.user.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_survey", "add_response"])
    )
    client = english(client_for(lead))
    assert post(client, "/api/surveys/bulk", [record]).json() == {
        "created": 1, "updated": 0, "unchanged": 0, "rejected": 0, "rejects": [],
    }  # fmt: skip
    wrong = {**row, "external_id": "R-2", "answers": {"csat": 6}}
    response = post(client, "/api/survey_responses/bulk", [row, wrong])
    assert response.json() == {
        "created": 1, "updated": 0, "unchanged": 0, "rejected": 1,
        "rejects": [{"record": 1, "key": "R-2", "field": "csat",
                     "reason": "Give a number from 1 to 5."}],
    }  # fmt: skip
    assert Response.objects.get().external_key == "R-1"
    assert Question.objects.filter(survey__external_id="API-CSAT").count() == 2


def test_openapi_lists_the_survey_endpoints(db):
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert {path: sorted(methods) for path, methods in paths.items() if "survey" in path} == {
        "/api/surveys": ["get", "post"],
        "/api/surveys/bulk": ["post"],
        "/api/survey_responses/bulk": ["post"],
        "/api/surveys/{id}": ["get"],
        "/api/surveys/{id}/results": ["get"],
    }
    params = [p["name"] for p in paths["/api/surveys/{id}/results"]["get"]["parameters"]]
    assert params == ["id", "unit", "period", "band", "question", "trend"]
    listed = [p["name"] for p in paths["/api/surveys"]["get"]["parameters"]]
    assert listed == ["audience", "kind", "status", "limit", "offset"]

"""The survey designer: leads only (anyone else: 404), a survey from a template, questions edited
and versioned once answered, settings with audited thresholds locked once open, open / close."""

from __future__ import annotations

import pytest
from django.test import Client

from symetrie.listening import services
from symetrie.listening.models import Question, Survey, ThresholdChange
from symetrie.listening.services import Submission
from tests.conftest import client_for


def english(client: Client) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def lea(lead) -> Client:
    return english(client_for(lead))


def question_data(survey: Survey, **changes) -> dict[str, str]:
    """The questions form as the page would post it, with `changes` per form index."""
    current = list(survey.questions.current().order_by("position"))
    data = {
        "q-TOTAL_FORMS": str(len(current) + 1),
        "q-INITIAL_FORMS": str(len(current)),
        "q-MIN_NUM_FORMS": "0",
        "q-MAX_NUM_FORMS": "1000",
    }
    for i, question in enumerate(current):
        data.update({
            f"q-{i}-code": question.code, f"q-{i}-kind": question.kind,
            f"q-{i}-text_fr": question.text.get("fr", ""),
            f"q-{i}-text_en": question.text.get("en", ""),
            f"q-{i}-choices": "", f"q-{i}-ORDER": str(i + 1),
        })  # fmt: skip
        if question.required:
            data[f"q-{i}-required"] = "on"
    n = len(current)
    data.update({f"q-{n}-code": "", f"q-{n}-kind": "nps", f"q-{n}-text_fr": "",
                 f"q-{n}-text_en": "", f"q-{n}-choices": "", f"q-{n}-ORDER": ""})  # fmt: skip
    data.update(changes)
    return data


def current(survey: Survey) -> list[tuple[str, int]]:
    return list(
        Question.objects.filter(survey=survey, is_current=True)
        .order_by("position")
        .values_list("code", "version")
    )


@pytest.mark.parametrize("who", ["frontline", "manager", "regional", "outsider"])
def test_only_leads_reach_the_designer(request, who, nps_survey):
    client = client_for(request.getfixturevalue(who))
    pk = nps_survey.pk
    assert client.get("/surveys/designer/").status_code == 404
    assert client.get(f"/surveys/designer/{pk}/").status_code == 404
    new = {"kind": "csat", "external_id": "x"}
    assert client.post("/surveys/designer/new/", new).status_code == 404
    assert client.post(f"/surveys/designer/{pk}/close/").status_code == 404
    questions = question_data(nps_survey)
    assert client.post(f"/surveys/designer/{pk}/questions/", questions).status_code == 404
    assert (Survey.objects.count(), Survey.objects.get().status) == (1, "open")
    assert Client().get("/surveys/designer/").status_code == 302  # to the login page


def test_the_list_shows_both_audiences_with_their_released_answers(
    lea, nps_survey, pulse_survey, org, django_assert_num_queries
):
    services.response_record(survey=nps_survey, unit=org.lille, submission=Submission({"nps": 9}))
    # One employee answer, held back (k = 5): not counted yet.
    services.response_record(
        survey=pulse_survey, unit=org.lille, submission=Submission({"enps": 9})
    )
    response = lea.get("/surveys/designer/")
    assert response.status_code == 200
    rows = [
        (s.external_id, s.audience, s.status, s.answer_count) for s in response.context["surveys"]
    ]
    assert rows == [("PULSE", "employee", "open", 0), ("NPS-REL", "customer", "open", 1)]
    assert "Surveys" in [item.label for item in response.context["nav_items"]]
    with django_assert_num_queries(4):  # session, user, employee, surveys
        lea.get("/surveys/designer/")


def test_the_list_filters_by_audience_as_an_htmx_partial(lea, nps_survey, pulse_survey):
    response = lea.get("/surveys/designer/?audience=employee", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.strip().startswith('<div id="survey-rows">')
    assert "Pouls du mois" in html and "Votre avis compte" not in html
    assert "<html" not in html


def test_a_survey_from_a_template(lea):
    response = lea.post(
        "/surveys/designer/new/",
        {"kind": "ces", "ces_scale": "7", "external_id": "ces-2026", "title_fr": "Simplicité"},
    )
    survey = Survey.objects.get(external_id="ces-2026")
    assert response.status_code == 302
    assert response["Location"] == f"/surveys/designer/{survey.pk}/"
    assert (survey.audience, survey.status, survey.title["fr"]) == (
        "customer",
        "draft",
        "Simplicité",
    )
    assert list(survey.questions.values_list("code", "kind")) == [
        ("ces", "ces_7"),
        ("comment", "text"),
    ]


def test_a_custom_survey_needs_its_audience(lea, nps_survey):
    response = lea.post("/surveys/designer/new/", {"kind": "custom", "external_id": "c-1"})
    assert response.status_code == 422
    assert response.context["create_form"].errors == {
        "audience": ["Choose who this survey is for."]
    }
    taken = lea.post("/surveys/designer/new/", {"kind": "csat", "external_id": "NPS-REL"})
    assert taken.context["create_form"].errors == {
        "external_id": ["A survey already has this reference."]
    }
    assert Survey.objects.count() == 1


def test_questions_are_added_removed_reordered_and_versioned_once_answered(lea, nps_survey, org):
    services.response_record(survey=nps_survey, unit=org.lille, submission=Submission({"nps": 9}))
    data = question_data(
        nps_survey,
        **{
            "q-0-text_fr": "Nous recommanderiez-vous à un proche ?", "q-0-ORDER": "2",
            "q-1-DELETE": "on",
            "q-2-code": "fees", "q-2-kind": "single_choice", "q-2-ORDER": "1",
            "q-2-text_fr": "Nos frais sont-ils clairs ?", "q-2-text_en": "Are our fees clear?",
            "q-2-choices": "yes | Oui | Yes\nno | Non | No",
        },
    )  # fmt: skip
    response = lea.post(f"/surveys/designer/{nps_survey.pk}/questions/", data)
    assert response.status_code == 302
    assert current(nps_survey) == [("fees", 1), ("nps", 2)]
    fees = Question.objects.get(code="fees")
    assert fees.choices == [
        {"code": "yes", "label": {"fr": "Oui", "en": "Yes"}},
        {"code": "no", "label": {"fr": "Non", "en": "No"}},
    ]
    # The answered versions stay; the unanswered comment is gone.
    assert list(Question.objects.filter(is_current=False).values_list("code", "version")) == [
        ("nps", 1)
    ]


def test_a_refused_question_set_changes_nothing_and_answers_the_htmx_partial(lea, nps_survey):
    before = list(Question.objects.values_list("pk", "code", "version", "text", "position"))
    data = question_data(nps_survey, **{"q-0-text_en": ""})
    response = lea.post(
        f"/surveys/designer/{nps_survey.pk}/questions/", data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.strip().startswith('<section id="questions"')
    assert "questions.nps: Give the text in en." in html
    assert list(Question.objects.values_list("pk", "code", "version", "text", "position")) == before


def test_thresholds_change_with_a_reason_audited_then_lock(lea, lead, org):
    lea.post("/surveys/designer/new/", {"kind": "pulse", "external_id": "p-1"})
    survey = Survey.objects.get(external_id="p-1")
    url = f"/surveys/designer/{survey.pk}/settings/"
    data = {"title_fr": "Pouls", "title_en": "Pulse", "languages": ["fr", "en"],
            "confidentiality": "confidential", "cadence": "monthly",
            "min_group_size": "7", "min_comment_group_size": "12", "reason": ""}  # fmt: skip
    refused = lea.post(url, data)
    assert refused.context["settings_form"].errors == {
        "reason": ["Say why the thresholds change: the change is audited."]
    }
    response = lea.post(url, {**data, "reason": "Petites équipes"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith('<section id="settings"') and "Petites équipes" in html
    survey.refresh_from_db()
    assert (survey.title, survey.confidentiality, survey.min_group_size) == (
        {"fr": "Pouls", "en": "Pulse"}, "confidential", 7,
    )  # fmt: skip
    assert list(ThresholdChange.objects.order_by("field").values_list(
        "field", "old_value", "new_value", "changed_by", "reason")) == [
        ("min_comment_group_size", 10, 12, lead.user.pk, "Petites équipes"),
        ("min_group_size", 5, 7, lead.user.pk, "Petites équipes"),
    ]  # fmt: skip

    assert lea.post(f"/surveys/designer/{survey.pk}/open/").status_code == 302
    survey.refresh_from_db()
    assert survey.status == "open"
    # Once open, the thresholds' fields are disabled: a posted change is ignored, and the
    # languages and the mode are kept.
    lea.post(url, {**data, "min_group_size": "3", "languages": ["fr"], "reason": "x"})
    survey.refresh_from_db()
    assert (survey.min_group_size, survey.languages, ThresholdChange.objects.count()) == (
        7, ["fr", "en"], 2,
    )  # fmt: skip
    page = lea.get(f"/surveys/designer/{survey.pk}/").content.decode()
    assert "The thresholds are locked: the survey has opened." in page


def test_a_survey_is_opened_then_closed(lea, org):
    lea.post("/surveys/designer/new/", {"kind": "csat", "external_id": "csat-1"})
    survey = Survey.objects.get()
    lea.post(f"/surveys/designer/{survey.pk}/open/")
    lea.post(f"/surveys/designer/{survey.pk}/close/")
    survey.refresh_from_db()
    assert (survey.status, survey.opened_at is not None, survey.closed_at is not None) == (
        "closed", True, True,
    )  # fmt: skip
    response = lea.post(f"/surveys/designer/{survey.pk}/close/", follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "The survey is open.", "The survey is closed.", "Only an open survey can be closed.",
    ]  # fmt: skip

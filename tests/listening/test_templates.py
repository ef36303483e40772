"""Ready-made surveys: one per kind, French and English, stable codes, each one a valid survey."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from symetrie.listening.models import KIND_AUDIENCES, Question, Survey
from symetrie.listening.survey_templates import survey_create_from_template, template_for

KINDS = [
    (kind, audience) for kind, audiences in KIND_AUDIENCES.items() for audience in sorted(audiences)
]


def codes(survey: Survey) -> list[str]:
    return list(survey.questions.order_by("position").values_list("code", flat=True))


@pytest.mark.parametrize(("kind", "audience"), KINDS)
def test_every_template_makes_a_valid_draft_in_both_languages(org, kind, audience):
    survey = survey_create_from_template(kind=kind, audience=audience, external_id=f"T-{kind}")
    assert (survey.kind, survey.audience, survey.status, survey.languages) == (
        kind, audience, "draft", ["fr", "en"],
    )  # fmt: skip
    assert survey.title["fr"] and survey.title["en"] and survey.title["fr"] != survey.title["en"]
    for question in survey.questions.all():
        assert question.text["fr"].strip() and question.text["en"].strip()
        for choice in question.choices:
            assert choice["label"]["fr"] and choice["label"]["en"]


def test_the_codes_of_each_template_are_stable(org):
    assert [q.code for q in template_for("relationship_nps").questions] == [
        "nps", "comment", "improve",
    ]  # fmt: skip
    assert [q.code for q in template_for("transactional_nps").questions] == [
        "nps", "resolved", "comment",
    ]  # fmt: skip
    assert [q.code for q in template_for("csat").questions] == ["csat", "comment"]
    assert [q.code for q in template_for("ces").questions] == ["ces", "comment"]
    assert [q.code for q in template_for("enps").questions] == ["enps", "comment"]
    assert [q.code for q in template_for("pulse").questions] == [
        "workload", "tools", "latitude", "manager", "recognition", "meaning", "enps", "comment",
    ]  # fmt: skip
    assert [q.code for q in template_for("onboarding").questions] == [
        "welcome", "tools_ready", "role_clarity", "training", "support", "enps", "comment",
    ]  # fmt: skip
    assert [q.code for q in template_for("exit").questions] == [
        "reason", "enps", "come_back", "comment",
    ]  # fmt: skip
    assert template_for("custom", audience="employee").questions == ()


def test_the_nps_question_has_the_standard_wording(org):
    nps = template_for("relationship_nps").questions[0]
    assert (nps.kind, nps.required) == ("nps", True)
    assert dict(nps.text) == {
        "fr": "Quelle est la probabilité que vous recommandiez notre entreprise à un proche ?",
        "en": "How likely are you to recommend our company to a friend or relative?",
    }
    named = template_for("enps", company="Banque Test").questions[0]
    assert named.text["fr"] == (
        "Quelle est la probabilité que vous recommandiez Banque Test comme employeur à un proche ?"
    )


def test_the_ces_comes_in_two_scale_versions(org):
    low = template_for("ces", ces_scale=5).questions[0]
    high = template_for("ces", ces_scale=7).questions[0]
    assert (low.code, low.kind, high.code, high.kind) == ("ces", "ces_5", "ces", "ces_7")
    assert "1 = très peu d'effort, 5 = énormément d'effort" in low.text["fr"]
    assert "(1 = pas du tout d'accord, 7 = tout à fait d'accord)" in high.text["fr"]
    survey = survey_create_from_template(
        kind="ces", audience="customer", external_id="CES-7", ces_scale=7
    )
    assert Question.objects.get(survey=survey, code="ces").scale == (1, 7)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        template_for("ces", ces_scale=10)
    assert error.value.message_dict == {"ces_scale": ["The CES scale is 1–5 or 1–7."]}


def test_the_pulse_asks_likert_agreement_then_enps_and_a_comment(org):
    survey = survey_create_from_template(kind="pulse", audience="employee", external_id="P")
    kinds = list(survey.questions.order_by("position").values_list("kind", flat=True))
    assert kinds == ["scale_5"] * 6 + ["nps", "text"]
    assert (survey.cadence, survey.confidentiality) == ("monthly", "anonymous")
    assert "de 1 (pas du tout d'accord) à 5 (tout à fait d'accord)" in survey.intro["fr"]


def test_the_exit_survey_asks_its_reasons_as_a_multiple_choice(org):
    reason = template_for("exit").questions[0]
    assert (reason.code, reason.kind) == ("reason", "multiple_choice")
    assert [c["code"] for c in reason.choices] == [
        "pay", "career", "manager", "workload", "balance", "recognition", "tools", "personal",
        "other",
    ]  # fmt: skip


def test_a_custom_survey_starts_with_one_open_question(org):
    survey = survey_create_from_template(kind="custom", audience="customer", external_id="C")
    assert codes(survey) == ["comment"]
    assert survey.title == {"fr": "Nouvelle enquête", "en": "New survey"}


def test_the_title_and_options_can_be_given(org):
    survey = survey_create_from_template(
        kind="enps",
        audience="employee",
        external_id="ENPS-FR",
        title={"fr": "Baromètre d'automne"},
        languages=["fr"],
        min_group_size=7,
        min_comment_group_size=12,
        confidentiality="confidential",
    )
    assert (survey.title, survey.languages, survey.min_group_size) == (
        {"fr": "Baromètre d'automne"}, ["fr"], 7,
    )  # fmt: skip
    assert (survey.min_comment_group_size, survey.confidentiality) == (12, "confidential")
    assert survey.intro.keys() == {"fr"}


def test_a_kind_is_refused_for_the_other_audience(org):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        survey_create_from_template(kind="enps", audience="customer", external_id="X")
    assert error.value.message_dict == {"kind": ["This kind of survey is not for this audience."]}
    assert Survey.objects.count() == 0

"""Writes of the listening engine: surveys, question versions, thresholds, answers."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from symetrie.listening import services
from symetrie.listening.models import (
    Answer,
    ConfidentialLink,
    CustomerLink,
    Participation,
    Question,
    Response,
    Survey,
    ThresholdChange,
)
from symetrie.listening.services import QuestionSpec, Submission
from symetrie.org.models import Employee
from tests.listening.conftest import PULSE_QUESTIONS

pytestmark = pytest.mark.django_db


def draft(**options: Any) -> Survey:
    return services.survey_create(
        external_id=options.pop("external_id", "EX-1"),
        audience="employee",
        kind="pulse",
        title={"fr": "Pouls", "en": "Pulse"},
        questions=PULSE_QUESTIONS,
        **options,
    )


def test_an_anonymous_answer_is_written_with_nothing_that_leads_to_the_person(
    pulse_survey: Survey, org: Any, frontline: Employee
) -> None:
    response = services.response_record(
        survey=pulse_survey,
        unit=org.lille,
        submission=Submission({"enps": 4, "comment": "Trop de réunions"}),
        employee=frontline,
    )
    assert CustomerLink.objects.count() == 0
    assert ConfidentialLink.objects.count() == 0
    assert list(Participation.objects.values_list("employee__external_id", flat=True)) == [
        "E-FRONT"
    ]
    assert response.release is None  # held back until the unit has 5
    assert sorted(Answer.objects.values_list("code", "number", "text")) == [
        ("comment", None, "Trop de réunions"),
        ("enps", 4, ""),
    ]


def test_an_employee_answers_a_round_once_and_a_refusal_writes_nothing(
    pulse_survey: Survey, org: Any, frontline: Employee
) -> None:
    services.response_record(
        survey=pulse_survey, unit=org.lille, submission=Submission({"enps": 9}), employee=frontline
    )
    with pytest.raises(ValidationError) as refused:
        services.response_record(
            survey=pulse_survey,
            unit=org.lille,
            submission=Submission({"enps": 2}),
            employee=frontline,
        )
    assert refused.value.message_dict == {"survey": ["Vous avez déjà répondu à cette vague."]}
    assert Response.objects.count() == 1
    assert list(Answer.objects.values_list("number", flat=True)) == [9]


def test_confidential_mode_keeps_the_person_apart_with_their_request(
    org: Any, frontline: Employee
) -> None:
    survey = services.survey_open(survey=draft(confidentiality="confidential"))
    response = services.response_record(
        survey=survey,
        unit=org.lille,
        submission=Submission({"enps": 1}, contact_requested=True, contact_note="Mon planning"),
        employee=frontline,
    )
    link = ConfidentialLink.objects.get()
    assert (link.response_id, link.employee_id) == (response.pk, frontline.pk)
    assert (link.contact_requested, link.contact_note) == (True, "Mon planning")


def test_answers_are_checked_against_the_questions_and_errors_name_the_question(
    pulse_survey: Survey, org: Any, frontline: Employee, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    cases = [
        ({"enps": 11}, {"enps": ["Donnez un nombre de 0 à 10."]}),
        ({"enps": "beaucoup"}, {"enps": ["Donnez un nombre entier."]}),
        ({"comment": "Rien"}, {"enps": ["Cette question attend une réponse."]}),
        ({"enps": 5, "mood": 3}, {"mood": ["Cette enquête n'a pas cette question."]}),
    ]
    for answers, errors in cases:
        with pytest.raises(ValidationError) as refused:
            services.response_record(
                survey=pulse_survey,
                unit=org.lille,
                submission=Submission(answers),
                employee=frontline,
            )
        assert refused.value.message_dict == errors
        # No error message holds both a person and an answer.
        assert "Félix" not in str(refused.value) and "E-FRONT" not in str(refused.value)
    assert Response.objects.count() == 0 and Participation.objects.count() == 0
    assert "Félix" not in caplog.text and "E-FRONT" not in caplog.text


def test_bands_only_demographics_as_bands(pulse_survey: Survey, org: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.response_record(
            survey=pulse_survey,
            unit=org.lille,
            submission=Submission({"enps": 5}, bands={"hire_date": "2021-03-04"}),
        )
    assert list(refused.value.message_dict) == ["hire_date"]
    assert Response.objects.count() == 0


def test_thresholds_never_below_three_and_comments_never_below_results(org: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        draft(min_group_size=2)
    assert list(refused.value.message_dict) == ["min_group_size"]
    with pytest.raises(ValidationError) as refused:
        draft(min_group_size=6, min_comment_group_size=5)
    assert list(refused.value.message_dict) == ["min_comment_group_size"]
    assert Survey.objects.count() == 0


def test_a_threshold_change_is_audited_and_refused_once_the_survey_opens(
    org: Any, lead: Employee
) -> None:
    survey = draft()
    services.survey_thresholds_set(
        survey=survey,
        actor=lead.user,
        min_group_size=7,
        min_comment_group_size=12,
        reason="Petites équipes",
    )
    changes = list(ThresholdChange.objects.values_list("field", "old_value", "new_value", "reason"))
    assert sorted(changes) == [
        ("min_comment_group_size", 10, 12, "Petites équipes"),
        ("min_group_size", 5, 7, "Petites équipes"),
    ]
    services.survey_open(survey=survey)
    with pytest.raises(ValidationError):
        services.survey_thresholds_set(
            survey=survey, actor=lead.user, min_group_size=3, min_comment_group_size=3
        )
    survey.refresh_from_db()
    assert (survey.min_group_size, survey.min_comment_group_size) == (7, 12)
    assert ThresholdChange.objects.count() == 2


def test_a_question_changed_after_its_first_answer_gets_a_new_version(
    pulse_survey: Survey, org: Any
) -> None:
    services.response_record(
        survey=pulse_survey, unit=org.lille, submission=Submission({"enps": 8})
    )
    reworded = QuestionSpec(
        "enps",
        "nps",
        {
            "fr": "Conseilleriez-vous notre entreprise à un ami ?",
            "en": "Would you advise a friend to join us?",
        },
        required=True,
    )
    comment = PULSE_QUESTIONS[1]
    services.survey_questions_set(survey=pulse_survey, questions=[reworded, comment])
    versions = list(
        Question.objects.filter(code="enps")
        .order_by("version")
        .values_list("version", "is_current")
    )
    assert versions == [(1, False), (2, True)]
    # The comment had no answer: edited in place, still version 1.
    assert list(Question.objects.filter(code="comment").values_list("version", flat=True)) == [1]
    services.response_record(
        survey=pulse_survey, unit=org.lille, submission=Submission({"enps": 3})
    )
    assert sorted(Answer.objects.values_list("question__version", "number")) == [(1, 8), (2, 3)]


def test_a_customer_survey_cannot_be_anonymous_nor_an_employee_one_identified(org: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.survey_create(
            external_id="X",
            audience="customer",
            kind="csat",
            title={"fr": "A", "en": "B"},
            questions=PULSE_QUESTIONS,
            confidentiality="anonymous",
        )
    assert list(refused.value.message_dict) == ["confidentiality"]
    with pytest.raises(ValidationError) as refused:
        services.survey_create(
            external_id="X",
            audience="employee",
            kind="csat",
            title={"fr": "A", "en": "B"},
            questions=PULSE_QUESTIONS,
        )
    assert list(refused.value.message_dict) == ["kind"]
    assert Survey.objects.count() == 0

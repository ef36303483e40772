"""Surveys for the listening tests: a customer NPS and an employee pulse over the shared org."""

from __future__ import annotations

import pytest

from symetrie.listening import services
from symetrie.listening.models import Survey
from symetrie.listening.services import QuestionSpec

NPS_QUESTIONS = [
    QuestionSpec(
        "nps",
        "nps",
        {
            "fr": "Recommanderiez-vous notre banque à un proche ?",
            "en": "Would you recommend our bank to a friend?",
        },
        required=True,
    ),
    QuestionSpec("comment", "text", {"fr": "Pourquoi ?", "en": "Why?"}),
]

PULSE_QUESTIONS = [
    QuestionSpec(
        "enps",
        "nps",
        {
            "fr": "Recommanderiez-vous votre entreprise comme employeur ?",
            "en": "Would you recommend your company as a place to work?",
        },
        required=True,
    ),
    QuestionSpec(
        "comment",
        "text",
        {"fr": "Qu'est-ce qui changerait tout ?", "en": "What would change everything?"},
    ),
]


@pytest.fixture
def nps_survey(org: object) -> Survey:
    survey = services.survey_create(
        external_id="NPS-REL",
        audience="customer",
        kind="relationship_nps",
        title={"fr": "Votre avis compte", "en": "Your opinion matters"},
        questions=NPS_QUESTIONS,
    )
    return services.survey_open(survey=survey)


@pytest.fixture
def pulse_survey(org: object) -> Survey:
    survey = services.survey_create(
        external_id="PULSE",
        audience="employee",
        kind="pulse",
        title={"fr": "Pouls du mois", "en": "Monthly pulse"},
        questions=PULSE_QUESTIONS,
        cadence="monthly",
    )
    return services.survey_open(survey=survey)

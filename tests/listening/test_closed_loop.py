"""The closed loop: a detractor or a very low CSAT opens a follow-up case due within 48 business
hours; an employee's request to be contacted reaches the survey's HR roles only."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from symetrie.cases.models import Case
from symetrie.customers.models import Customer
from symetrie.customers.services import customer_create
from symetrie.listening import answering, distribution, services
from symetrie.listening.models import Invitation, Survey
from symetrie.listening.services import QuestionSpec, Submission
from symetrie.org.models import Employee, Role
from symetrie.org.services import employee_create
from tests.conftest import PASSWORD, Org, client_for
from tests.listening.conftest import PULSE_QUESTIONS

PARIS = ZoneInfo("Europe/Paris")
FRIDAY_5PM = dt.datetime(2025, 11, 21, 17, 0, tzinfo=PARIS)
# Friday 17:00 + 48 business hours (09:00–18:00, Monday to Friday): 1 h on Friday, 45 h over
# the next week, 2 h on the Monday after.
DUE = dt.datetime(2025, 12, 1, 11, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def default_calendar(settings):
    settings.TIME_ZONE = "Europe/Paris"
    for name in ("CASES_BUSINESS_HOURS", "CASES_HOLIDAYS_SUBDIVISION", "CASES_TIME_ZONE"):
        if hasattr(settings, name):
            delattr(settings, name)


@pytest.fixture
def anne(org: Org, frontline: Employee) -> Customer:
    return customer_create(
        external_id="C-ANNE",
        first_name="Anne",
        last_name="Client",
        home_unit=org.lille,
        advisor=frontline,
    )


def submit(survey: Survey, customer: Customer, answers: dict[str, object], channel: str = "link"):
    invitation, _token = distribution.invitation_create(
        survey=survey, customer=customer, channel="link", now=FRIDAY_5PM - dt.timedelta(days=1)
    )
    # As if it had come by `channel` (e-mail needs consent and an address: not the point here).
    Invitation.objects.filter(pk=invitation.pk).update(
        channel=channel, expires_at=FRIDAY_5PM + dt.timedelta(days=9)
    )
    invitation.refresh_from_db()
    answering.answer_submit(
        invitation=invitation, submission=Submission(answers=answers), now=FRIDAY_5PM
    )
    return invitation


def test_a_detractor_opens_a_follow_up_case_due_in_48_business_hours(nps_survey, anne, manager):
    submit(nps_survey, anne, {"nps": 3, "comment": "Trop d'attente au guichet"}, channel="email")
    case = Case.objects.get()
    assert (case.audience, case.type, case.customer, case.unit) == (
        "customer",
        "complaint",
        anne,
        anne.home_unit,
    )
    assert case.subject == "Détracteur à rappeler : Votre avis compte"
    assert case.description == "Note : 3 sur 10\n\nTrop d'attente au guichet"
    assert (case.raised_by, case.owner, case.channel, case.status) == (
        manager,
        manager,
        "email",
        "new",
    )
    assert case.opened_at == FRIDAY_5PM
    assert case.due_at == DUE


def test_a_passive_opens_no_case(nps_survey, anne, manager):
    submit(nps_survey, anne, {"nps": 7, "comment": "Correct"})
    assert Case.objects.count() == 0


def test_a_very_low_csat_opens_a_case(org, anne, manager):
    survey = services.survey_create(
        external_id="CSAT",
        audience="customer",
        kind="csat",
        title={"fr": "Satisfaction", "en": "Satisfaction"},
        questions=[
            QuestionSpec(
                "csat", "scale_5", {"fr": "Satisfait ?", "en": "Satisfied?"}, required=True
            )
        ],
    )
    services.survey_open(survey=survey)
    submit(survey, anne, {"csat": 2})
    case = Case.objects.get()
    assert case.subject == "Satisfaction très basse : Satisfaction"
    assert case.description == "Note : 2 sur 5\n\nPas de commentaire."
    assert (case.channel, case.due_at) == ("", DUE)


def test_without_a_manager_the_customers_advisor_owns_the_follow_up(nps_survey, anne, frontline):
    submit(nps_survey, anne, {"nps": 0})
    assert Case.objects.get().owner == frontline


def test_a_refused_submission_opens_no_case(nps_survey, anne, manager):
    invitation = submit(nps_survey, anne, {"nps": 2})
    with pytest.raises(answering.AnswerRefused) as refused:
        answering.answer_submit(
            invitation=invitation, submission=Submission(answers={"nps": 1}), now=FRIDAY_5PM
        )
    assert refused.value.reason == "used"
    assert Case.objects.count() == 1


def test_a_wrong_answer_opens_no_case(nps_survey, anne, manager):
    with pytest.raises(services.ValidationError):
        submit(nps_survey, anne, {"nps": 2, "unknown": "x"})
    assert Case.objects.count() == 0
    assert Invitation.objects.get().used is False


def test_an_anonymous_link_answer_opens_no_case(nps_survey, org, manager):
    invitation, _token = distribution.invitation_create(
        survey=nps_survey, unit=org.lille, channel="qr"
    )
    answering.answer_submit(invitation=invitation, submission=Submission(answers={"nps": 1}))
    assert Case.objects.count() == 0  # no customer to call back


# ---------------------------------------------------------------- HR contact requests


@pytest.fixture
def hr(org: Org) -> Employee:
    role = Role.objects.create(code="hr", name="RH", is_org_wide=True)
    return employee_create(
        external_id="E-HR",
        email="helene.rh@example.fr",
        first_name="Hélène",
        last_name="RH",
        unit=org.siege,
        role=role,
        hire_date=dt.date(2020, 1, 6),
        password=PASSWORD,
    )


@pytest.fixture
def exit_survey(org: Org, hr: Employee) -> Survey:
    survey = services.survey_create(
        external_id="EXIT",
        audience="employee",
        kind="exit",
        title={"fr": "Départ", "en": "Exit"},
        questions=PULSE_QUESTIONS,
        confidentiality="confidential",
    )
    survey.confidential_readers.add(hr.role)
    return services.survey_open(survey=survey)


def _answer(survey: Survey, employee: Employee, answers: dict[str, object], **contact: object):
    invitation, _token = distribution.invitation_create(
        survey=survey, employee=employee, channel="link"
    )
    answering.answer_submit(
        invitation=invitation, submission=Submission(answers=answers, **contact)
    )  # type: ignore[arg-type]


def test_hr_sees_who_asked_to_be_contacted_and_never_their_answers(
    exit_survey, hr, frontline, teammate, django_assert_num_queries
):
    _answer(
        exit_survey,
        frontline,
        {"enps": 1, "comment": "Secret absolu"},
        contact_requested=True,
        contact_note="Parler de mon départ",
    )
    _answer(exit_survey, teammate, {"enps": 9, "comment": "Rien"})
    client = client_for(hr)
    url = f"/surveys/{exit_survey.pk}/contact-requests/"
    # session, user, employee, survey, readers, links
    with django_assert_num_queries(6):
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Félix Frontline" in html and "Parler de mon départ" in html
    assert "Théo Team" not in html  # did not ask
    assert "Secret absolu" not in html and "Rien" not in html


def test_managers_and_everyone_else_get_404(exit_survey, manager, lead, frontline, outsider):
    url = f"/surveys/{exit_survey.pk}/contact-requests/"
    for who in (manager, lead, frontline, outsider):
        assert client_for(who).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_a_survey_not_in_confidential_mode_has_no_contact_requests(pulse_survey, hr):
    pulse_survey.confidential_readers.add(hr.role)
    url = f"/surveys/{pulse_survey.pk}/contact-requests/"
    assert client_for(hr).get(url).status_code == 404

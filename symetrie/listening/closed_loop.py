"""The closed loop: an unhappy customer gets a call back, an employee who asked gets HR.

- A customer detractor (0–6 on a 0–10 question) or a very low CSAT (1–2 on 1–5) opens a
  follow-up case for the answer's unit through the cases service, with the verbatim, due within
  48 business hours of the answer. It runs in the transaction that records the answer, so an
  answer never exists without its follow-up.
- In a confidential-mode employee survey, an employee may ask to be contacted by HR: the
  survey's `confidential_readers` roles see who asked and their note — never their answers —
  and nobody else does (managers included: 404).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from symetrie.cases import sla
from symetrie.cases.models import Case, CaseType
from symetrie.cases.selectors import manager_of_unit
from symetrie.cases.services import case_open
from symetrie.core.audience import Audience
from symetrie.customers.models import Channel, Customer
from symetrie.listening.models import (
    Answer,
    Confidentiality,
    ConfidentialLink,
    Invitation,
    InvitationChannel,
    QuestionKind,
    Response,
    Survey,
    SurveyKind,
)
from symetrie.org.models import Employee
from symetrie.org.selectors import employee_for

logger = logging.getLogger(__name__)

FOLLOW_UP_BUSINESS_HOURS = 48
DETRACTOR_MAX = 6  # 0–6 on a 0–10 scale
LOW_CSAT_MAX = 2  # 1–2 on a 1–5 scale

# The case's channel: where the customer spoke to us.
CASE_CHANNELS: dict[str, str] = {
    InvitationChannel.EMAIL: Channel.EMAIL,
    InvitationChannel.EVENT: Channel.EMAIL,  # delivered by e-mail
    InvitationChannel.QR: Channel.BRANCH,  # printed in a branch
}


def low_score(survey: Survey, answers: list[Answer]) -> Answer | None:
    """The answer that calls for a follow-up, if any."""
    if survey.audience != Audience.CUSTOMER:
        return None
    for answer in answers:
        kind = answer.question.kind
        if answer.number is None:
            continue
        if kind == QuestionKind.NPS and answer.number <= DETRACTOR_MAX:
            return answer
        if (
            kind == QuestionKind.SCALE_5
            and survey.kind == SurveyKind.CSAT
            and answer.number <= LOW_CSAT_MAX
        ):
            return answer
    return None


def _actor_for(response: Response, customer: Customer) -> Employee | None:
    """Who opens (and owns) the follow-up: the nearest active manager of the answer's unit;
    failing that, the customer's advisor if still active; else nobody (no case: logged)."""
    manager = manager_of_unit(unit=response.unit)
    if manager is not None:
        return manager
    advisor = customer.advisor
    if advisor is not None and not advisor.has_left() and advisor.user.is_active:
        return advisor
    return None


def follow_up(
    *,
    response: Response,
    customer: Customer | None,
    invitation: Invitation | None = None,
    now: dt.datetime | None = None,
) -> Case | None:
    """Open the follow-up case a customer's low score calls for (None when it needs none).
    Call it inside the transaction that records the answer."""
    survey = response.survey
    if customer is None or survey.audience != Audience.CUSTOMER:
        return None  # a case needs its customer: an anonymous link's answer cannot be called back
    answers = list(response.answers.select_related("question"))
    low = low_score(survey, answers)
    if low is None:
        return None
    actor = _actor_for(response, customer)
    if actor is None:
        # No person and no answer in the line: the survey and the unit say where to look.
        logger.warning(
            "no employee to own a follow-up for survey %s in unit %s",
            survey.external_id,
            response.unit.code,
        )
        return None
    opened_at = now or timezone.now()
    verbatims = [answer.text for answer in answers if answer.text]
    scale = low.question.scale or (0, 10)
    with translation.override(settings.LANGUAGE_CODE):
        title = survey.title_in(settings.LANGUAGE_CODE)
        if low.question.kind == QuestionKind.NPS:
            subject = _("Detractor to call back: %(survey)s") % {"survey": title}
        else:
            subject = _("Very low satisfaction: %(survey)s") % {"survey": title}
        lines = [
            _("Score: %(score)d out of %(high)d") % {"score": low.number, "high": scale[1]},
            "",
            *(verbatims or [_("No comment.")]),
        ]
    channel = CASE_CHANNELS.get(invitation.channel, "") if invitation is not None else ""
    return case_open(
        actor=actor,
        audience=Audience.CUSTOMER,
        type=CaseType.COMPLAINT,
        subject=subject[:200],
        description="\n".join(lines),
        channel=channel,
        customer=customer,
        unit=response.unit,
        opened_at=opened_at,
        due_at=sla.add_business_hours(opened_at, FOLLOW_UP_BUSINESS_HOURS),
    )


# ---------------------------------------------------------------- HR contact requests


@dataclass(frozen=True)
class ContactRequest:
    name: str
    note: str
    handled: bool


def contact_requests_visible_to(
    *, user: AbstractBaseUser | AnonymousUser, survey_pk: int
) -> tuple[Survey, list[ContactRequest]]:
    """The employees who asked HR to contact them, for a reader whose role the survey names;
    Http404 for anyone else. Names and notes only: nothing of what they answered."""
    employee = employee_for(user)
    survey = Survey.objects.filter(
        pk=survey_pk, audience=Audience.EMPLOYEE, confidentiality=Confidentiality.CONFIDENTIAL
    ).first()
    if (
        employee is None
        or employee.has_left()
        or survey is None
        or not survey.confidential_readers.filter(pk=employee.role_id).exists()
    ):
        raise Http404("No such survey.")
    links = (
        ConfidentialLink.objects.filter(response__survey=survey, contact_requested=True)
        .select_related("employee__user")
        .order_by("employee__user__last_name", "employee__user__first_name", "employee_id")
    )
    return survey, [
        ContactRequest(name=str(link.employee), note=link.contact_note, handled=link.handled)
        for link in links
    ]

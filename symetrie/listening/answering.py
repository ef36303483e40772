"""The answering path: what a token opens, drafts saved as a customer goes, and the single-use
submission that records the answer (and its follow-up case) in one transaction.

Drafts. A customer's answers are saved server-side as they go, so that a survey left half-way
still counts its NPS: the draft is a `Response` with `is_complete=False` (results ignore it),
rewritten through `services.response_record` at each save, and completed at the end — or by
`drafts_complete_stale` a day after the last save. Employees' drafts never reach the server
(their browser keeps them): a server-side draft would tie an unfinished answer to a person.

Single use. Submitting claims the invitation with a conditional UPDATE (`used` False → True)
as the first statement of the transaction that records the answer: of any number of
concurrent submissions with one token, exactly one records; the others are refused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from symetrie.core.audience import Audience
from symetrie.listening import bands, closed_loop, services
from symetrie.listening.models import (
    CustomerLink,
    Invitation,
    QuestionKind,
    Response,
    SurveyStatus,
)

DRAFT_KEPT = dt.timedelta(hours=24)


class AnswerRefused(Exception):
    """The invitation takes no answer: `reason` is "used", "expired" or "closed"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def invitation_state(invitation: Invitation, now: dt.datetime | None = None) -> str:
    """ "open", "used", "expired" or "closed" (the survey no longer takes answers)."""
    if invitation.used:
        return "used"
    if invitation.is_expired(now):
        return "expired"
    if invitation.survey.status != SurveyStatus.OPEN:
        return "closed"
    return "open"


def keeps_server_drafts(invitation: Invitation) -> bool:
    """Only a known customer's answers are saved as they go on the server."""
    return invitation.survey.audience == Audience.CUSTOMER and invitation.customer_id is not None


def _draft(invitation: Invitation) -> Response | None:
    link = (
        CustomerLink.objects.filter(invitation=invitation, response__is_complete=False)
        .select_related("response")
        .first()
    )
    return link.response if link else None


def draft_answers(invitation: Invitation) -> dict[str, Any]:
    """The answers of the invitation's draft, as the form gives them back ({code: value})."""
    response = _draft(invitation) if keeps_server_drafts(invitation) else None
    if response is None:
        return {}
    values: dict[str, Any] = {}
    for answer in response.answers.select_related("question"):
        kind = answer.question.kind
        if answer.number is not None:
            values[answer.code] = answer.number
        elif kind == QuestionKind.MULTIPLE:
            values[answer.code] = list(answer.choices)
        elif kind == QuestionKind.SINGLE:
            values[answer.code] = answer.choices[0] if answer.choices else ""
        else:
            values[answer.code] = answer.text
    return values


def _required_given(invitation: Invitation, answers: Mapping[str, Any]) -> bool:
    required = invitation.survey.questions.current().filter(required=True)
    return all(
        answers.get(code) not in (None, "", []) for code in required.values_list("code", flat=True)
    )


@transaction.atomic
def draft_save(
    *, invitation: Invitation, answers: Mapping[str, Any], language: str
) -> Response | None:
    """Save a customer's answers so far. Nothing is stored until the required questions are
    answered (without them there is nothing to count); a `ValidationError` names a wrong
    answer's question. Refused (`AnswerRefused`) once the invitation is used or expired."""
    locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if locked is None or not keeps_server_drafts(invitation):
        raise AnswerRefused("used")
    locked.survey = invitation.survey
    state = invitation_state(locked)
    if state != "open":
        raise AnswerRefused(state)
    given = {code: value for code, value in answers.items() if value not in (None, "", [])}
    if not given or not _required_given(invitation, given):
        return None
    previous = _draft(locked)
    if previous is not None:
        previous.delete()
    response = services.response_record(
        survey=invitation.survey,
        unit=invitation.unit,
        submission=services.Submission(answers=given, language=language),
        customer=invitation.customer,
        invitation=locked,
    )
    Response.objects.filter(pk=response.pk).update(is_complete=False)
    response.is_complete = False
    return response


@transaction.atomic
def answer_submit(
    *, invitation: Invitation, submission: services.Submission, now: dt.datetime | None = None
) -> Response:
    """Record the answer of an invitation, once: `AnswerRefused` if it was used (by this or a
    concurrent submission), has expired, or the survey has closed; `ValidationError` (nothing
    changed) if an answer is wrong. A customer's low score opens its follow-up case here."""
    now = now or timezone.now()
    if invitation.survey.status != SurveyStatus.OPEN:
        raise AnswerRefused("closed")
    # Only the row's own columns in the WHERE: a condition through a join becomes a subquery
    # that PostgreSQL does not re-check once the row lock is granted (two claims would win).
    claimed = Invitation.objects.filter(pk=invitation.pk, used=False, expires_at__gt=now).update(
        used=True
    )
    if claimed != 1:
        current = Invitation.objects.select_related("survey").get(pk=invitation.pk)
        raise AnswerRefused(invitation_state(current, now))
    survey = invitation.survey
    customer = invitation.customer if survey.audience == Audience.CUSTOMER else None
    employee = invitation.employee if survey.audience == Audience.EMPLOYEE else None
    if customer is not None:
        previous = _draft(invitation)
        if previous is not None:
            previous.delete()
    if employee is not None:
        # The bands come from the employee's record, not from what the page posted.
        day = timezone.localdate(now)
        submission = dataclasses.replace(submission, bands=bands.employee_bands(employee, day))
    response = services.response_record(
        survey=survey,
        unit=invitation.unit,
        submission=submission,
        answered_at=now,
        customer=customer,
        employee=employee,
        invitation=invitation if customer is not None else None,
    )
    closed_loop.follow_up(response=response, customer=customer, invitation=invitation, now=now)
    invitation.used = True
    return response


def drafts_complete_stale(
    *, now: dt.datetime | None = None, after: dt.timedelta = DRAFT_KEPT
) -> int:
    """Count the answers customers left half-way, a day after their last save: the invitation
    is used up, the answer completed and followed up like any other. Returns how many."""
    now = now or timezone.now()
    stale = CustomerLink.objects.filter(
        response__is_complete=False, answered_at__lt=now - after
    ).values_list("response_id", flat=True)
    done = 0
    for response_id in list(stale):
        with transaction.atomic():
            claimed = Response.objects.filter(pk=response_id, is_complete=False).update(
                is_complete=True
            )
            if not claimed:
                continue
            link = CustomerLink.objects.select_related(
                "response__survey", "response__unit", "customer", "invitation"
            ).get(response_id=response_id)
            if link.invitation is not None:
                Invitation.objects.filter(pk=link.invitation.pk).update(used=True)
            closed_loop.follow_up(
                response=link.response, customer=link.customer, invitation=link.invitation, now=now
            )
            done += 1
    return done

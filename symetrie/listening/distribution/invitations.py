"""Invitations: who may be invited (opt-out, consent, e-mail, the cooldown and its exemptions), one
person or everyone of a unit, and opting out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from symetrie.core.audience import Audience
from symetrie.customers.models import Customer, Identity, IdentityType
from symetrie.listening import rounds
from symetrie.listening.distribution.tokens import new_token, token_hash
from symetrie.listening.models import (
    Cadence,
    Invitation,
    InvitationChannel,
    OptOut,
    Survey,
    SurveyKind,
    SurveyStatus,
)
from symetrie.org.models import Employee, Unit

# Invitations delivered by e-mail.
EMAILED = (InvitationChannel.EMAIL, InvitationChannel.EVENT)
LIFECYCLE_KINDS = (SurveyKind.ONBOARDING, SurveyKind.EXIT)


def _email_of(*, customer: Customer | None, employee: Employee | None) -> str:
    if customer is not None:
        identity = customer.identities.filter(type=IdentityType.EMAIL).order_by("pk").first()
        return identity.value if identity else ""
    if employee is not None:
        return str(employee.user.email or "")
    return ""


def _opted_out(*, customer: Customer | None, employee: Employee | None) -> bool:
    if customer is not None:
        return OptOut.objects.filter(customer=customer).exists()
    if employee is not None:
        return OptOut.objects.filter(employee=employee).exists()
    return False


class Skip(StrEnum):
    """Why a person gets no invitation: the over-solicitation and consent rules."""

    OPTED_OUT = "opted_out"
    NO_CONSENT = "no_consent"
    NO_EMAIL = "no_email"
    COOLDOWN = "cooldown"


def _recent_invitations(survey: Survey, *, now: dt.datetime) -> QuerySet[Invitation]:
    """The invitations that count against the cooldown of `survey` at `now` (anyone's)."""
    since = now - dt.timedelta(days=survey.cooldown_days)
    recent = Invitation.objects.filter(
        survey__audience=survey.audience, created_at__gte=since
    ).exclude(survey__kind__in=LIFECYCLE_KINDS)
    if survey.cadence != Cadence.NONE:
        start = rounds.round_start(survey, timezone.localdate(now))
        round_began = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
        recent = recent.exclude(survey=survey, created_at__lt=round_began)
    return recent


def _skips(
    survey: Survey,
    *,
    customers: QuerySet[Customer] | None = None,
    employees: QuerySet[Employee] | None = None,
    channel: str,
    now: dt.datetime,
) -> dict[int, Skip]:
    """The people of `customers` (or `employees`) who may not be invited to `survey` on
    `channel`, by pk, each with the first rule that refuses them (opted out, then no consent,
    then no e-mail address, then the cooldown). The one implementation of the rules, for one
    person (`invitation_create`) and for a whole unit (`invitations_create_for_unit`): a few
    queries whatever the number of people."""
    skips: dict[int, Skip] = {}

    def refuse(pks: Any, reason: Skip) -> None:
        for pk in pks:
            skips.setdefault(pk, reason)

    emailed = channel in EMAILED
    if customers is not None:
        opted_out = OptOut.objects.filter(customer__in=customers)
        refuse(opted_out.values_list("customer_id", flat=True), Skip.OPTED_OUT)
        if emailed:
            no_consent = customers.filter(consent_email=False)
            refuse(no_consent.values_list("pk", flat=True), Skip.NO_CONSENT)
            with_email = Identity.objects.filter(type=IdentityType.EMAIL).values("customer_id")
            no_email = customers.exclude(pk__in=with_email)
            refuse(no_email.values_list("pk", flat=True), Skip.NO_EMAIL)
        recent = _recent_invitations(survey, now=now).filter(customer__in=customers)
        person = "customer_id"
    elif employees is not None:
        opted_out = OptOut.objects.filter(employee__in=employees)
        refuse(opted_out.values_list("employee_id", flat=True), Skip.OPTED_OUT)
        if emailed:
            unreachable = employees.filter(Q(user__email="") | Q(user__email__isnull=True))
            refuse(unreachable.values_list("pk", flat=True), Skip.NO_EMAIL)
        recent = _recent_invitations(survey, now=now).filter(employee__in=employees)
        person = "employee_id"
    else:
        return skips
    if survey.kind not in LIFECYCLE_KINDS:
        refuse(recent.values_list(person, flat=True).distinct(), Skip.COOLDOWN)
    return skips


def _skip_message(survey: Survey, reason: Skip) -> str:
    if reason == Skip.OPTED_OUT:
        return _("This person asked to receive no surveys.")
    if reason == Skip.NO_CONSENT:
        return _("This customer did not agree to receive e-mails.")
    if reason == Skip.NO_EMAIL:
        return _("This person has no e-mail address.")
    return _("This person was already invited to a survey in the last %(days)d days.") % {
        "days": survey.cooldown_days
    }


def _language_for(survey: Survey, language: str | None) -> str:
    language = language or settings.LANGUAGE_CODE
    return language if language in survey.languages else survey.languages[0]


def _check_survey_open(survey: Survey) -> None:
    if survey.status != SurveyStatus.OPEN:
        raise ValidationError({"survey": _("This survey is not open.")})


@transaction.atomic
def invitation_create(
    *,
    survey: Survey,
    customer: Customer | None = None,
    employee: Employee | None = None,
    unit: Unit | None = None,
    channel: str,
    language: str | None = None,
    trigger_ref: str = "",
    now: dt.datetime | None = None,
) -> tuple[Invitation, str]:
    """Invite one person (or, for a link or a QR code, whoever visits) to answer `survey`.
    Returns the invitation and its raw token (never stored). Refused with a `ValidationError`
    naming the person's field when the person opted out, was invited to a survey of their
    audience within `survey.cooldown_days`, or cannot be reached on the channel."""
    now = now or timezone.now()
    _check_survey_open(survey)
    if channel not in InvitationChannel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    if customer is not None and employee is not None:
        raise ValidationError({"customer": _("An invitation is for one person.")})
    if survey.audience == Audience.CUSTOMER and employee is not None:
        raise ValidationError({"employee": _("A customer survey is answered by customers.")})
    if survey.audience == Audience.EMPLOYEE and customer is not None:
        raise ValidationError({"customer": _("An employee survey is answered by employees.")})
    person_field = "customer" if survey.audience == Audience.CUSTOMER else "employee"
    if (
        customer is None
        and employee is None
        and channel
        not in (
            InvitationChannel.LINK,
            InvitationChannel.QR,
        )
    ):
        raise ValidationError({person_field: _("Say whom to invite.")})
    skip: Skip | None = None
    if customer is not None:
        # The person's row is the lock that makes the cooldown hold under concurrent triggers.
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        unit = unit or customer.home_unit
        language = language or customer.language
        people = Customer.objects.filter(pk=customer.pk)
        skip = _skips(survey, customers=people, channel=channel, now=now).get(customer.pk)
    elif employee is not None:
        employee = Employee.objects.select_for_update().select_related("user").get(pk=employee.pk)
        unit = unit or employee.unit
        staff = Employee.objects.filter(pk=employee.pk)
        skip = _skips(survey, employees=staff, channel=channel, now=now).get(employee.pk)
    if unit is None:
        raise ValidationError({"unit": _("Say which unit the answer will count for.")})
    if skip is not None:
        raise ValidationError({person_field: _skip_message(survey, skip)})
    token = new_token()
    invitation = Invitation.objects.create(
        survey=survey,
        token_hash=token_hash(token),
        customer=customer,
        employee=employee,
        unit=unit,
        channel=channel,
        language=_language_for(survey, language),
        trigger_ref=trigger_ref[:80],
        created_at=now,
        expires_at=now + dt.timedelta(days=survey.link_valid_days),
    )
    if channel in EMAILED:
        transaction.on_commit(_enqueue_sending)
    return invitation, token


@dataclass
class InviteCounts:
    """What inviting a unit did: how many were invited, and how many skipped, by rule."""

    invited: int = 0
    skipped: dict[Skip, int] = field(default_factory=dict)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def _unit_within_survey(survey: Survey, unit: Unit | None) -> Unit | None:
    """The unit to invite: `unit`, or the survey's own (None: the whole company); a unit
    outside the survey's is refused (its answers would count outside the survey's results)."""
    if unit is None:
        return survey.unit
    if survey.unit is not None and not unit.is_within(survey.unit):
        message = _("This survey is for %(unit)s: choose a unit inside it.")
        raise ValidationError({"unit": message % {"unit": survey.unit.name}})
    return unit


@transaction.atomic
def invitations_create_for_unit(
    *,
    survey: Survey,
    unit: Unit | None,
    segment: str = "",
    now: dt.datetime | None = None,
) -> InviteCounts:
    """Invite by e-mail everyone of `unit`'s subtree (None: the whole company) to `survey`:
    for an employee survey its active employees, for a customer survey the customers whose
    home unit is in it (only those of `segment`, if given). The rules of `invitation_create`
    (`_skips`), checked for all at once; the invitations made in one `bulk_create`; the
    e-mails sent by the throttled task, queued after the commit."""
    now = now or timezone.now()
    _check_survey_open(survey)
    unit = _unit_within_survey(survey, unit)
    customers: QuerySet[Customer] | None = None
    employees: QuerySet[Employee] | None = None
    people: list[tuple[int, int, str | None]]
    if survey.audience == Audience.CUSTOMER:
        customers = Customer.objects.filter(home_unit__isnull=False)
        if unit is not None:
            customers = customers.filter(home_unit__path__startswith=unit.path)
        if segment:
            customers = customers.filter(segment=segment)
        # Locked in pk order, as `invitation_create` locks one: the cooldown holds under
        # concurrent triggers.
        people = list(
            customers.select_for_update(of=("self",))
            .order_by("pk")
            .values_list("pk", "home_unit_id", "language")
        )
    else:
        employees = Employee.objects.active_on(timezone.localdate(now))
        if unit is not None:
            employees = employees.filter(unit__path__startswith=unit.path)
        people = [
            (pk, unit_id, None)
            for pk, unit_id in employees.select_for_update(of=("self",))
            .order_by("pk")
            .values_list("pk", "unit_id")
        ]
    skips = _skips(
        survey, customers=customers, employees=employees, channel=InvitationChannel.EMAIL, now=now
    )
    person = "customer_id" if customers is not None else "employee_id"
    expires_at = now + dt.timedelta(days=survey.link_valid_days)
    invitations = [
        Invitation(
            survey=survey,
            token_hash=token_hash(new_token()),  # replaced when the e-mail goes out
            unit_id=unit_id,
            channel=InvitationChannel.EMAIL,
            language=_language_for(survey, language),
            created_at=now,
            expires_at=expires_at,
            **{person: pk},
        )
        for pk, unit_id, language in people
        if pk not in skips
    ]
    Invitation.objects.bulk_create(invitations, batch_size=1000)
    if invitations:
        transaction.on_commit(_enqueue_sending)
    counts = InviteCounts(invited=len(invitations))
    for reason in skips.values():
        counts.skipped[reason] = counts.skipped.get(reason, 0) + 1
    return counts


def _enqueue_sending() -> None:
    from symetrie.listening.tasks import invitations_send_batch

    invitations_send_batch.enqueue()


@transaction.atomic
def opt_out_record(*, invitation: Invitation) -> OptOut | None:
    """The invited person asks for no more surveys (None for a link's anonymous visitor).
    Their invitations not yet answered are never sent nor reminded again."""
    if invitation.customer_id is not None:
        opt_out, _created = OptOut.objects.get_or_create(customer_id=invitation.customer_id)
    elif invitation.employee_id is not None:
        opt_out, _created = OptOut.objects.get_or_create(employee_id=invitation.employee_id)
    else:
        return None
    return opt_out

"""Distribution: invitations with single-use tokens, e-mails sent in throttled batches,
reminders to non-respondents, links and QR codes to print in a branch, and the transactional
surveys sent after an event (a closed case, an interaction on a channel).

Tokens. A token is 256 random bits from `secrets`, url-safe; only its sha256 is stored
(`Invitation.token_hash`), so a copy of the database answers no survey. The raw token exists
only in what the person receives. An e-mail's link is therefore minted when the e-mail goes
out (the token `invitation_create` returned for an e-mail invitation is replaced then), and a
reminder carries a fresh link that replaces the previous one: the database never holds a
token it could put in a later message.

Over-solicitation. A person gets at most one invitation per `survey.cooldown_days` across all
the surveys of their audience — except that the lifecycle surveys (onboarding, exit) are sent
when the event happens and neither wait for nor delay the others (an exit survey cannot wait a
month), and a new round of a survey with rounds (a monthly pulse) does not wait for the
invitation of the round before; an opted-out person gets none; a customer who did not agree to
e-mails gets none by e-mail (nor after an event, which is delivered by e-mail).

Apps depend one way (cases ← listening): the triggers are receivers of the cases' and
customers' `post_save` signals, connected in `ListeningConfig.ready()`; they only hand the
event to the functions here, after the commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from symetrie.core.audience import Audience
from symetrie.customers.models import Customer, Identity, IdentityType, Interaction
from symetrie.listening import rounds
from symetrie.listening.models import (
    Cadence,
    CustomerLink,
    Invitation,
    InvitationChannel,
    OptOut,
    Participation,
    Survey,
    SurveyKind,
    SurveyLink,
    SurveyStatus,
    Trigger,
)
from symetrie.org.models import Employee, Unit

logger = logging.getLogger(__name__)

TOKEN_BYTES = 32  # 256 bits
# The throttle: at most this many e-mails per run of the batch task; the rest go in the next
# run, queued by the task itself. A constant, so that a setting cannot flood a mail relay.
BATCH_SIZE = 100
# Invitations delivered by e-mail.
EMAILED = (InvitationChannel.EMAIL, InvitationChannel.EVENT)
LIFECYCLE_KINDS = (SurveyKind.ONBOARDING, SurveyKind.EXIT)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a token opens, or None for an unknown token."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("survey", "unit", "customer", "employee")
        .filter(token_hash=token_hash(token))
        .first()
    )


def answer_url(token: str) -> str:
    """The absolute address of the answer page (`SITE_URL`, read now)."""
    base = str(settings.SITE_URL).rstrip("/")
    return base + reverse("listening:answer", args=[token])


# ---------------------------------------------------------------- invitations


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


# ---------------------------------------------------------------- e-mails


@dataclass
class SendCounts:
    invitations: int = 0
    reminders: int = 0
    more: bool = False


def _message(invitation: Invitation, token: str, *, reminder: bool) -> tuple[str, str]:
    survey = invitation.survey
    with translation.override(invitation.language):
        values = {"title": survey.title_in(invitation.language)}
        if reminder:
            subject = _("Reminder: %(title)s") % values
        else:
            subject = _("Your opinion: %(title)s") % values
        lines = [
            _("Hello,"),
            "",
            _("Would you give us a minute to answer our survey “%(title)s”?") % values,
            answer_url(token),
            "",
        ]
        if reminder:
            lines.append(_("This link replaces the one we sent you before."))
        lines += [
            _("The link works once and until %(date)s.")
            % {"date": timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y")},
            _("To receive no more surveys, open the link and choose “No more surveys”."),
        ]
        return subject, "\n".join(lines)


def _due_emails(now: dt.datetime) -> list[int]:
    return list(
        Invitation.objects.filter(
            channel__in=EMAILED,
            sent_at__isnull=True,
            used=False,
            expires_at__gt=now,
            survey__status=SurveyStatus.OPEN,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


def _has_answered(invitation: Invitation) -> bool:
    if invitation.used:
        return True
    survey = invitation.survey
    if invitation.customer_id is not None:
        return CustomerLink.objects.filter(
            customer_id=invitation.customer_id,
            response__survey=survey,
            response__is_complete=True,
            answered_at__gte=invitation.created_at,
        ).exists()
    if invitation.employee_id is not None:
        today = timezone.localdate()
        return Participation.objects.filter(
            survey=survey,
            employee_id=invitation.employee_id,
            round_start=rounds.round_start(survey, today),
        ).exists()
    return False


@transaction.atomic
def _send_one(pk: int, *, now: dt.datetime, reminder: bool, connection: Any) -> bool:
    """Claim one e-mail by a conditional update (which also stores the new link's hash), then
    send it, in one transaction: a second worker never sends it twice, and a failed send rolls
    the claim back, to be retried next run."""
    token = new_token()
    base = Invitation.objects.filter(pk=pk, used=False)
    if reminder:
        sent = base.values_list("reminders_sent", flat=True).first()
        if sent is None:
            return False
        claimed = base.filter(reminders_sent=sent).update(
            reminders_sent=F("reminders_sent") + 1,
            last_reminded_at=now,
            token_hash=token_hash(token),
        )
    else:
        claimed = base.filter(sent_at__isnull=True).update(
            sent_at=now, token_hash=token_hash(token)
        )
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("survey", "customer", "employee__user").get(
        pk=pk
    )
    if _opted_out(customer=invitation.customer, employee=invitation.employee) or (
        invitation.customer is not None and not invitation.customer.consent_email
    ):
        return False  # the claim stays: nothing is ever sent to this person for it
    address = _email_of(customer=invitation.customer, employee=invitation.employee)
    if not address:
        return False
    subject, body = _message(invitation, token, reminder=reminder)
    mail.EmailMessage(subject, body, to=[address], connection=connection).send()
    return True


def invitations_send(*, limit: int | None = None, now: dt.datetime | None = None) -> SendCounts:
    """Send up to `limit` (`BATCH_SIZE`) invitation e-mails that are due, oldest first; `more`
    says whether some are left for the next run."""
    now = now or timezone.now()
    sent, more = _send_due(_due_emails(now), limit=limit, now=now, reminder=False)
    return SendCounts(invitations=sent, more=more)


def _due_reminders(now: dt.datetime) -> list[int]:
    due: list[int] = []
    surveys = Survey.objects.open().filter(reminder_after_days__gt=0, max_reminders__gt=0)
    for survey in surveys:
        wait = now - dt.timedelta(days=survey.reminder_after_days)
        candidates = (
            Invitation.objects.filter(
                survey=survey,
                channel__in=EMAILED,
                used=False,
                sent_at__lte=wait,
                reminders_sent__lt=survey.max_reminders,
                expires_at__gt=now,
            )
            .exclude(last_reminded_at__gt=wait)
            .select_related("survey")
            .order_by("sent_at", "pk")
        )
        due += [invitation.pk for invitation in candidates if not _has_answered(invitation)]
    return due


def reminders_send(*, limit: int | None = None, now: dt.datetime | None = None) -> SendCounts:
    """Remind those who have not answered, `reminder_after_days` after the invitation (and
    after each reminder), at most `max_reminders` times; never someone who answered or opted
    out."""
    now = now or timezone.now()
    sent, more = _send_due(_due_reminders(now), limit=limit, now=now, reminder=True)
    return SendCounts(reminders=sent, more=more)


def _send_due(
    pending: list[int], *, limit: int | None, now: dt.datetime, reminder: bool
) -> tuple[int, bool]:
    """Send up to `limit` of the due e-mails over one connection: how many went, and whether
    some are left for the next run (the throttle)."""
    limit = BATCH_SIZE if limit is None else limit
    connection = mail.get_connection()
    sent = sum(
        1
        for pk in pending[:limit]
        if _send_one(pk, now=now, reminder=reminder, connection=connection)
    )
    return sent, len(pending) > limit


# ---------------------------------------------------------------- links and QR codes


@transaction.atomic
def survey_link_create(*, survey: Survey, unit: Unit) -> SurveyLink:
    """A link (and its QR code) to print in a branch; each visit gets its own invitation."""
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError({"survey": _("This survey is closed.")})
    return SurveyLink.objects.create(survey=survey, unit=unit, slug=secrets.token_urlsafe(12))


@transaction.atomic
def survey_link_deactivate(*, link: SurveyLink) -> SurveyLink:
    """Stop a printed link (and its QR code): a visit then finds nothing (404), and the
    invitations already opened through it stay valid."""
    locked = SurveyLink.objects.select_for_update().get(pk=link.pk)
    if locked.is_active:
        locked.is_active = False
        locked.save(update_fields=["is_active"])
    link.is_active = False
    return locked


def survey_links(*, survey: Survey) -> QuerySet[SurveyLink]:
    """A survey's printed links, newest first, with their units."""
    return survey.links.select_related("unit").order_by("-created_at", "-pk")


def link_url(slug: str) -> str:
    """The absolute address of a printed link (`SITE_URL`, read now)."""
    base = str(settings.SITE_URL).rstrip("/")
    return base + reverse("listening:link_visit", args=[slug])


def customer_segments() -> list[str]:
    """The customers' segments, for the filter of an e-mail invitation."""
    segments = Customer.objects.exclude(segment="").values_list("segment", flat=True)
    return list(segments.distinct().order_by("segment"))


def survey_link_visit(*, slug: str, qr: bool = False) -> str | None:
    """A fresh single-use invitation for a visit of a printed link; its raw token, or None
    when the link is unknown, inactive or its survey is not open."""
    link = (
        SurveyLink.objects.select_related("survey", "unit")
        .filter(slug=slug, is_active=True, survey__status=SurveyStatus.OPEN)
        .first()
    )
    if link is None:
        return None
    _invitation, token = invitation_create(
        survey=link.survey,
        unit=link.unit,
        channel=InvitationChannel.QR if qr else InvitationChannel.LINK,
        language=translation.get_language(),
    )
    return token


def qr_code(*, url: str, kind: str) -> bytes:
    """The QR code of `url` as PNG or SVG bytes."""
    import io

    import segno

    buffer = io.BytesIO()
    code = segno.make(url, error="m")
    if kind == "png":
        code.save(buffer, kind="png", scale=10, border=4)
    else:
        code.save(buffer, kind="svg", scale=10, border=4, xmldecl=True, title=url)
    return buffer.getvalue()


# ---------------------------------------------------------------- transactional triggers


def _invite_after_event(
    surveys: list[Survey], *, customer: Customer, unit: Unit | None, ref: str
) -> Invitation | None:
    for survey in surveys:
        try:
            invitation, _token = invitation_create(
                survey=survey,
                customer=customer,
                unit=unit,
                channel=InvitationChannel.EVENT,
                trigger_ref=ref,
            )
        except ValidationError:
            # Opted out, no consent, cooled down: the rule, not an error (no person logged).
            continue
        return invitation
    return None


def invite_after_case_closed(*, case_pk: int) -> Invitation | None:
    """A closed customer case: invite its customer to the transactional survey that asks for
    it (the first one that may, under the over-solicitation rule)."""
    from symetrie.cases.models import Case

    case = Case.objects.select_related("customer", "unit").filter(pk=case_pk).first()
    if case is None or case.customer is None or case.audience != Audience.CUSTOMER:
        return None
    surveys = list(
        Survey.objects.open()
        .for_audience(Audience.CUSTOMER)
        .filter(trigger=Trigger.CASE_CLOSED)
        .order_by("created_at", "pk")
    )
    if not surveys:
        return None
    return _invite_after_event(
        surveys, customer=case.customer, unit=case.unit, ref=f"case:{case.external_id}"
    )


def invite_after_interaction(*, interaction_pk: int) -> Invitation | None:
    """An interaction on a channel some transactional survey listens to (no channel: any)."""
    interaction = (
        Interaction.objects.select_related("customer", "unit").filter(pk=interaction_pk).first()
    )
    if interaction is None:
        return None
    surveys = [
        survey
        for survey in Survey.objects.open()
        .for_audience(Audience.CUSTOMER)
        .filter(trigger=Trigger.INTERACTION)
        .order_by("created_at", "pk")
        if survey.trigger_channel in ("", interaction.channel)
    ]
    if not surveys:
        return None
    return _invite_after_event(
        surveys,
        customer=interaction.customer,
        unit=interaction.unit,
        ref=f"interaction:{interaction.external_id}",
    )


# ---------------------------------------------------------------- opting out


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

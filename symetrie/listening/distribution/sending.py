"""E-mails: invitations and reminders, sent in throttled batches, never twice, in the person's
language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core import mail
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from symetrie.listening import rounds
from symetrie.listening.distribution.invitations import (
    EMAILED,
    _email_of,
    _opted_out,
)
from symetrie.listening.distribution.tokens import (
    answer_url,
    new_token,
    token_hash,
)
from symetrie.listening.models import (
    CustomerLink,
    Invitation,
    Participation,
    Survey,
    SurveyStatus,
)

# The throttle: at most this many e-mails per run of the batch task; the rest go in the next
# run, queued by the task itself. A constant, so that a setting cannot flood a mail relay.
BATCH_SIZE = 100


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
            .order_by("sent_at", "pk")
        )
        # Those who answered otherwise (another link, a printed QR code) are not reminded: one
        # set-based test per survey, not one query per invitation (`_has_answered`).
        answered_as_customer = CustomerLink.objects.filter(
            customer_id=OuterRef("customer_id"),
            response__survey=survey,
            response__is_complete=True,
            answered_at__gte=OuterRef("created_at"),
        )
        answered_as_employee = Participation.objects.filter(
            survey=survey,
            employee_id=OuterRef("employee_id"),
            round_start=rounds.round_start(survey, timezone.localdate(now)),
        )
        candidates = candidates.exclude(Exists(answered_as_customer)).exclude(
            Exists(answered_as_employee)
        )
        due += list(candidates.values_list("pk", flat=True))
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

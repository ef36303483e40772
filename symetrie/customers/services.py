"""Writes of the customers app, one at a time (bulk writes are in customers.bulk)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from symetrie.customers import normalise
from symetrie.customers.models import (
    Channel,
    Customer,
    HandoffNote,
    Identity,
    IdentityType,
    Interaction,
)
from symetrie.org.models import Employee, Unit

NORMALISERS: dict[str, Callable[[str], str]] = {
    IdentityType.EMAIL: normalise.email,
    IdentityType.PHONE: normalise.phone,
    IdentityType.LOYALTY_CARD: normalise.compact,
    IdentityType.ACCOUNT: normalise.compact,
    IdentityType.CONTRACT: normalise.compact,
    IdentityType.APP_ID: normalise.compact,
}


def identity_normalise(type_: str, value: str) -> str:
    """The normal form of an identifier of this type; ValueError if it can't be one."""
    try:
        return NORMALISERS[IdentityType(type_)](value)
    except KeyError:
        raise normalise.InvalidIdentifier(f"unknown identity type “{type_}”") from None


@transaction.atomic
def customer_create(
    *,
    external_id: str,
    first_name: str,
    last_name: str,
    segment: str = "",
    language: str = "fr",
    home_unit: Unit | None = None,
    advisor: Employee | None = None,
    preferred_channel: str = "",
) -> Customer:
    customer = Customer(
        external_id=external_id,
        first_name=first_name,
        last_name=last_name,
        first_name_folded=normalise.fold(first_name),
        last_name_folded=normalise.fold(last_name),
        segment=segment,
        language=language,
        home_unit=home_unit,
        advisor=advisor,
        preferred_channel=preferred_channel,
    )
    customer.full_clean()
    customer.save()
    return customer


@transaction.atomic
def identity_add(*, customer: Customer, type: str, value: str) -> Identity:
    try:
        normal = identity_normalise(type, value)
    except normalise.InvalidIdentifier as error:
        raise ValidationError({"value": str(error)}) from None
    taken = Identity.objects.filter(type=type, value=normal).exclude(customer=customer).first()
    if taken is not None:
        raise ValidationError({"value": _("This identifier belongs to another customer.")})
    identity, _created = Identity.objects.get_or_create(customer=customer, type=type, value=normal)
    return identity


@transaction.atomic
def interaction_log(
    *,
    actor: Employee,
    customer: Customer,
    channel: str,
    subject: str,
    summary: str = "",
    outcome: str = "",
    occurred_at: dt.datetime | None = None,
) -> Interaction:
    """An employee records a contact with a customer; it tops the customer's timeline."""
    interaction = Interaction(
        external_id=f"sym-{uuid.uuid4()}",
        customer=customer,
        occurred_at=occurred_at or timezone.now(),
        channel=channel,
        unit=actor.unit,
        employee=actor,
        subject=subject.strip(),
        summary=summary.strip(),
        outcome=outcome.strip(),
    )
    interaction.full_clean(exclude=["customer", "unit", "employee", "campaign"])
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    interaction.save()
    return interaction


@transaction.atomic
def handoff_note_add(*, actor: Employee, customer: Customer, text: str) -> HandoffNote:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write what the next person must know.")})
    return HandoffNote.objects.create(customer=customer, author=actor, text=text)


@transaction.atomic
def handoff_note_resolve(*, actor: Employee, note: HandoffNote) -> HandoffNote:
    note = HandoffNote.objects.select_for_update().get(pk=note.pk)
    if note.resolved_at is None:
        note.resolved_at = timezone.now()
        note.resolved_by = actor
        note.save(update_fields=["resolved_at", "resolved_by"])
    return note

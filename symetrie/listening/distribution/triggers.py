"""Transactional surveys sent after an event: a closed case, an interaction on a channel."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from symetrie.core.audience import Audience
from symetrie.customers.models import Customer, Interaction
from symetrie.listening.distribution.invitations import (
    invitation_create,
)
from symetrie.listening.models import (
    Invitation,
    InvitationChannel,
    Survey,
    Trigger,
)
from symetrie.org.models import Unit


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

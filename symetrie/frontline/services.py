"""The workspace's one-step actions: each calls the customers service and, in the same
transaction, records how long it took from the screen opening (employee effort)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from symetrie.customers import services as customer_services
from symetrie.customers.models import Customer, HandoffNote, Interaction
from symetrie.frontline.models import ActionKind, ActionTiming
from symetrie.frontline.stamps import opened_at_from
from symetrie.org.models import Employee

_MILLISECOND = dt.timedelta(milliseconds=1)


@transaction.atomic
def action_timing_record(
    *, actor: Employee, customer: Customer, kind: ActionKind, stamp: str, saved_at: dt.datetime
) -> ActionTiming | None:
    """Record an action's duration; nothing when the stamp can't be trusted (see stamps)."""
    opened_at = opened_at_from(stamp, employee=actor, customer=customer, now=saved_at)
    if opened_at is None:
        return None
    return ActionTiming.objects.create(
        employee=actor,
        unit_id=actor.unit_id,
        customer=customer,
        kind=kind,
        opened_at=opened_at,
        saved_at=saved_at,
        duration_ms=(saved_at - opened_at) // _MILLISECOND,
    )


@transaction.atomic
def workspace_interaction_log(
    *,
    actor: Employee,
    customer: Customer,
    stamp: str,
    channel: str,
    subject: str,
    summary: str = "",
    outcome: str = "",
    now: dt.datetime | None = None,
) -> Interaction:
    now = now or timezone.now()
    interaction = customer_services.interaction_log(
        actor=actor,
        customer=customer,
        channel=channel,
        subject=subject,
        summary=summary,
        outcome=outcome,
        occurred_at=now,
    )
    action_timing_record(
        actor=actor, customer=customer, kind=ActionKind.INTERACTION_LOG, stamp=stamp, saved_at=now
    )
    return interaction


@transaction.atomic
def workspace_handoff_note_add(
    *, actor: Employee, customer: Customer, stamp: str, text: str, now: dt.datetime | None = None
) -> HandoffNote:
    now = now or timezone.now()
    note = customer_services.handoff_note_add(actor=actor, customer=customer, text=text)
    action_timing_record(
        actor=actor, customer=customer, kind=ActionKind.HANDOFF_NOTE_ADD, stamp=stamp, saved_at=now
    )
    return note


@transaction.atomic
def workspace_handoff_note_resolve(
    *,
    actor: Employee,
    customer: Customer,
    note: HandoffNote,
    stamp: str,
    now: dt.datetime | None = None,
) -> HandoffNote:
    """Resolve a note; resolving it again (a double click, a colleague first) measures nothing."""
    now = now or timezone.now()
    # Locked first, so that of two concurrent resolutions only the one that resolves is timed.
    locked = HandoffNote.objects.select_for_update().filter(pk=note.pk, customer=customer)
    was_open = any(resolved is None for resolved in locked.values_list("resolved_at", flat=True))
    note = customer_services.handoff_note_resolve(actor=actor, note=note)
    if was_open:
        action_timing_record(
            actor=actor,
            customer=customer,
            kind=ActionKind.HANDOFF_NOTE_RESOLVE,
            stamp=stamp,
            saved_at=now,
        )
    return note

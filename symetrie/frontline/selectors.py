"""Reads of the employee's screen, composed from customers.selectors (which hold the access rule).

The customer's screen is one object whose parts are read when the template first asks for
them, so that a partial render (the timeline's next page, the notes after an action) reads
only what it shows, and the full screen costs a fixed number of queries whatever its size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.http import Http404

from symetrie.customers import selectors as customer_selectors
from symetrie.customers.models import (
    Campaign,
    Customer,
    Delivery,
    HandoffNote,
    Identity,
    IdentityType,
    Interaction,
)

TIMELINE_PAGE = customer_selectors.TIMELINE_PAGE
IDENTITY_ORDER: dict[str, int] = {
    kind.value: rank
    for rank, kind in enumerate(
        [
            IdentityType.LOYALTY_CARD,
            IdentityType.PHONE,
            IdentityType.EMAIL,
            IdentityType.ACCOUNT,
            IdentityType.CONTRACT,
            IdentityType.APP_ID,
        ]
    )
}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)

Cursor = tuple[dt.datetime, int]


def cursor_encode(interaction: Interaction) -> str:
    """The (when, id) of an interaction as a URL-safe token, exact to the microsecond."""
    return f"{(interaction.occurred_at - _EPOCH) // _MICROSECOND}_{interaction.pk}"


def cursor_decode(token: str) -> Cursor:
    """The (when, id) of a token; ValueError if it is not one."""
    micros, _, pk = token.partition("_")
    try:
        return _EPOCH + int(micros) * _MICROSECOND, int(pk)
    except OverflowError:
        raise ValueError(token) from None


@dataclass(frozen=True)
class TimelinePage:
    interactions: list[Interaction]
    # The cursor of the next page, None on the last one.
    next_before: str | None


def timeline_page(
    *, customer: Customer, channel: str = "", before: Cursor | None = None
) -> TimelinePage:
    """One page of the timeline, latest first, and whether another follows (one extra row)."""
    rows = customer_selectors.timeline(
        customer=customer, channel=channel or None, before=before, limit=TIMELINE_PAGE + 1
    )
    if len(rows) > TIMELINE_PAGE:
        rows = rows[:TIMELINE_PAGE]
        return TimelinePage(rows, cursor_encode(rows[-1]))
    return TimelinePage(rows, None)


class CustomerScreen:
    """Everything the employee sees of one customer (already checked visible to them)."""

    def __init__(
        self, *, customer: Customer, channel: str = "", before: Cursor | None = None
    ) -> None:
        self.customer = customer
        self.channel = channel
        self.before = before

    @cached_property
    def identities(self) -> list[Identity]:
        """The identifiers in the order people are asked for them: card, phone, e-mail..."""
        return sorted(
            customer_selectors.identities_of(customer=self.customer),
            key=lambda identity: (IDENTITY_ORDER.get(identity.type, 99), identity.value),
        )

    @cached_property
    def handoff_notes(self) -> list[HandoffNote]:
        return customer_selectors.handoff_notes_open(customer=self.customer)

    @cached_property
    def timeline(self) -> TimelinePage:
        return timeline_page(customer=self.customer, channel=self.channel, before=self.before)

    @cached_property
    def deliveries(self) -> list[Delivery]:
        return customer_selectors.deliveries_received(customer=self.customer)

    @cached_property
    def offers(self) -> list[Campaign]:
        return customer_selectors.offers_eligible(customer=self.customer)


def handoff_note_get(*, customer: Customer, pk: int) -> HandoffNote:
    """A note of this (visible) customer, or 404 — also when it is another customer's."""
    note = HandoffNote.objects.filter(customer=customer, pk=pk).first()
    if note is None:
        raise Http404("No such handoff note.")
    return note

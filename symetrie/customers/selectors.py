"""Scoped reads of customers: who may see which customer, search, the customer's screen.

Access follows the org tree through the customer's home unit: an org-wide user sees every
customer, a manager the customers of their subtree, a frontline employee those of the unit
they serve in (their agency or store, their team included) and the customers they advise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from symetrie.customers import normalise
from symetrie.customers.models import (
    Campaign,
    Customer,
    Delivery,
    HandoffNote,
    Identity,
    Interaction,
)
from symetrie.org.models import Unit, UnitKind
from symetrie.org.selectors import Reach, employee_for, scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser

# The kinds of unit where customers are served: a frontline employee in a team under an
# agency serves that agency's customers.
SERVING_KINDS = (UnitKind.AGENCY, UnitKind.STORE)
TIMELINE_PAGE = 20
SEARCH_LIMIT = 20


def serving_unit(unit: Unit) -> Unit:
    """The agency or store a unit belongs to (itself if it is one), else the unit itself."""
    if unit.kind in SERVING_KINDS:
        return unit
    found = (
        Unit.objects.filter(path__in=unit.ancestor_paths(), kind__in=SERVING_KINDS)
        .order_by("-depth")
        .first()
    )
    return found or unit


def customer_scope_q(user: AnyUser) -> Q | None:
    """The filter on Customer for what `user` may see; None when nothing."""
    scope = scope_for(user)
    if scope.reach is Reach.EVERYTHING:
        return Q()
    if scope.reach is Reach.NOTHING:
        return None
    if scope.reach is Reach.SUBTREE:
        return Q(home_unit__path__startswith=scope.path)
    employee = employee_for(user)
    assert employee is not None
    served = serving_unit(employee.unit)
    return Q(home_unit__path__startswith=served.path) | Q(advisor=employee)


def customer_list_visible_to(*, user: AnyUser) -> QuerySet[Customer]:
    q = customer_scope_q(user)
    return Customer.objects.none() if q is None else Customer.objects.filter(q)


def customer_get_visible_to(*, user: AnyUser, pk: int) -> Customer:
    """The customer, or 404 — also when it exists outside the user's scope."""
    customer = (
        customer_list_visible_to(user=user)
        .select_related("home_unit", "advisor__user", "advisor__unit")
        .filter(pk=pk)
        .first()
    )
    if customer is None:
        raise Http404("No such customer.")
    return customer


@dataclass(frozen=True)
class SearchHit:
    customer: Customer
    matched: str  # "identity" or "name"
    identity: Identity | None = None


def customer_search_visible_to(
    *, user: AnyUser, query: str, limit: int = SEARCH_LIMIT
) -> list[SearchHit]:
    """One search box: any identifier however typed, or a name (accents and case ignored)."""
    query = query.strip()
    if not query:
        return []
    visible = customer_list_visible_to(user=user)
    hits: list[SearchHit] = []
    seen: set[int] = set()
    candidates = normalise.candidates(query)
    if candidates:
        identities = (
            Identity.objects.filter(value__in=candidates, customer__in=visible)
            .select_related("customer__home_unit")
            .order_by("customer_id")[:limit]
        )
        for identity in identities:
            if identity.customer_id not in seen:
                seen.add(identity.customer_id)
                hits.append(SearchHit(identity.customer, "identity", identity))
    names_q = _names_q(query)
    if names_q is not None and len(hits) < limit:
        names = visible.select_related("home_unit").filter(names_q)
        for customer in names.exclude(pk__in=seen).order_by(
            "last_name_folded", "first_name_folded", "pk"
        )[: limit - len(hits)]:
            hits.append(SearchHit(customer, "name"))
    return hits


def _names_q(query: str) -> Q | None:
    """Every word of the query starts the first or the last name (accents and case ignored);
    None when the query holds digits (an identifier, not a name)."""
    tokens = normalise.fold(query).split()
    if not tokens or any(ch.isdigit() for ch in query):
        return None
    names = Q()
    for token in tokens:
        names &= Q(last_name_folded__startswith=token) | Q(first_name_folded__startswith=token)
    return names


def customer_matching_q(query: str) -> Q:
    """What the one search box finds, as a filter: an identifier in any of its normal forms,
    or a name. The API's `q` uses it; the workspace search ranks the same two parts."""
    query = query.strip()
    found = Q(pk__in=[])
    candidates = normalise.candidates(query)
    if candidates:
        found |= Q(pk__in=Identity.objects.filter(value__in=candidates).values("customer_id"))
    names_q = _names_q(query)
    if names_q is not None:
        found |= names_q
    return found


def timeline(
    *,
    customer: Customer,
    channel: str | None = None,
    before: tuple[dt.datetime, int] | None = None,
    limit: int = TIMELINE_PAGE,
) -> list[Interaction]:
    """A customer's interactions, latest first; `before` is the (when, id) of the last one seen.

    Keyset pagination on the (customer, -occurred_at, -id) index: every page costs the same.
    """
    interactions = Interaction.objects.filter(customer=customer).select_related(
        "unit", "employee__user", "campaign"
    )
    if channel:
        interactions = interactions.filter(channel=channel)
    if before is not None:
        when, pk = before
        interactions = interactions.filter(Q(occurred_at__lt=when) | Q(occurred_at=when, pk__lt=pk))
    return list(interactions.order_by("-occurred_at", "-pk")[:limit])


def handoff_notes_open(*, customer: Customer) -> list[HandoffNote]:
    return list(
        HandoffNote.objects.filter(customer=customer, resolved_at__isnull=True)
        .select_related("author__user", "author__unit")
        .order_by("-created_at")
    )


def deliveries_received(*, customer: Customer, limit: int = 10) -> list[Delivery]:
    """The campaigns this customer received, latest first, with the message as sent."""
    return list(
        Delivery.objects.filter(customer=customer)
        .select_related("campaign")
        .order_by("-sent_at")[:limit]
    )


def offers_eligible(*, customer: Customer, today: dt.date | None = None) -> list[Campaign]:
    """Offers live for customers today whose audience includes this customer's segment."""
    today = today or timezone.localdate()
    live = Campaign.objects.filter(external_launch__lte=today, end__gte=today).exclude(offer="")
    return [
        campaign
        for campaign in live.order_by("end", "name")
        if not campaign.audience_segments or customer.segment in campaign.audience_segments
    ]


def campaigns_for_employees(*, today: dt.date | None = None) -> dict[str, list[Campaign]]:
    """Campaigns an employee should know about: live now, and coming (launched internally)."""
    today = today or timezone.localdate()
    known = Campaign.objects.filter(internal_launch__lte=today, end__gte=today)
    return {
        "live": list(known.filter(external_launch__lte=today).order_by("end", "name")),
        "coming": list(known.filter(external_launch__gt=today).order_by("external_launch")),
    }

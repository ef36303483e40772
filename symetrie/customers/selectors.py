"""Scoped reads of customers: who may see which customer, search, the customer's screen.

Access follows the org tree through the customer's home unit: an org-wide user sees every
customer, a manager the customers of their subtree, a frontline employee those of the unit
they serve in (their agency or store, their team included) and the customers they advise.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from symetrie.core.db import read_models
from symetrie.customers import normalise
from symetrie.customers.models import (
    Campaign,
    Customer,
    Delivery,
    HandoffNote,
    Identity,
    Interaction,
)
from symetrie.org.models import Employee, Unit, UnitKind
from symetrie.org.selectors import Reach, employee_for, scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser

# The kinds of unit where customers are served: a frontline employee in a team under an
# agency serves that agency's customers.
SERVING_KINDS = (UnitKind.AGENCY, UnitKind.STORE)
TIMELINE_PAGE = 20
SEARCH_LIMIT = 20
M = TypeVar("M", bound=models.Model)


def serving_unit(unit: Unit) -> Unit:
    """The agency or store a unit belongs to (itself if it is one), else the unit itself."""
    if unit.kind in SERVING_KINDS:
        return unit
    if Unit._meta.get_field("parent").is_cached(unit):  # read with the unit (employee_for)
        parent = unit.parent
        if parent is None:
            return unit
        if parent.kind in SERVING_KINDS:
            return parent
    paths = unit.ancestor_paths()
    if not paths:
        return unit
    # In SQL: it is read on every screen and search of a team member (see `_raw`).
    sql = _SERVING_SQL.format(
        paths=", ".join(["%s"] * len(paths)), kinds=", ".join(["%s"] * len(SERVING_KINDS))
    )
    found = _raw(Unit, sql, [*paths, *SERVING_KINDS])
    return found[0] if found else unit


@dataclass(frozen=True)
class CustomerRule:
    """What a user may see of customers, worked out once: every customer (`everything`), or
    those whose home unit lies under `path`, and those `advisor_id` advises."""

    reach: Reach
    path: str = ""
    advisor_id: int | None = None

    def q(self) -> Q | None:
        """The rule as a filter on Customer; None when nothing."""
        if self.reach is Reach.NOTHING:
            return None
        if self.reach is Reach.EVERYTHING:
            return Q()
        q = Q(home_unit__path__startswith=self.path)
        return q | Q(advisor_id=self.advisor_id) if self.advisor_id is not None else q

    def admits(self, customer: Customer) -> bool:
        """The same rule for one customer read with its home unit's path (`home_unit_path`):
        the screen and the search check a customer read by key, rather than have the ORM
        build the filter into their query. `q` and `admits` are tested against each other
        for every persona and customer (tests/customers/test_access.py)."""
        if self.reach is Reach.NOTHING:
            return False
        if self.reach is Reach.EVERYTHING:
            return True
        path: str | None = customer.__dict__["home_unit_path"]
        if path is not None and path.startswith(self.path):
            return True
        return self.advisor_id is not None and customer.advisor_id == self.advisor_id


def customer_rule(user: AnyUser) -> CustomerRule:
    """An org-wide user sees every customer; a manager those of their subtree; a frontline
    employee those of the agency or store they serve in, and the customers they advise."""
    scope = scope_for(user)
    if scope.reach in (Reach.EVERYTHING, Reach.NOTHING):
        return CustomerRule(scope.reach)
    if scope.reach is Reach.SUBTREE:
        return CustomerRule(Reach.SUBTREE, scope.path)
    employee = employee_for(user)
    assert employee is not None
    return CustomerRule(Reach.OWN_UNIT, serving_unit(employee.unit).path, employee.pk)


def customer_scope_q(user: AnyUser) -> Q | None:
    """The filter on Customer for what `user` may see; None when nothing."""
    return customer_rule(user).q()


def customer_list_visible_to(*, user: AnyUser) -> QuerySet[Customer]:
    q = customer_scope_q(user)
    return Customer.objects.none() if q is None else Customer.objects.filter(q)


def customer_get_visible_to(*, user: AnyUser, pk: int) -> Customer:
    """The customer, or 404 — also when it exists outside the user's scope.

    With what the screen shows of its references: `home_unit_name`, `advisor_name`,
    `advisor_unit_id`, `advisor_unit_name` ("" or None when it has none)."""
    rule = customer_rule(user)
    found = (
        []
        if rule.reach is Reach.NOTHING
        else _raw(Customer, _CUSTOMER_SQL + " WHERE c.id = %s", [pk])
    )
    if not found or not rule.admits(found[0]):
        raise Http404("No such customer.")
    return found[0]


@dataclass(frozen=True)
class SearchHit:
    customer: Customer
    matched: str  # "identity" or "name"
    identity: Identity | None = None


def customer_search_visible_to(
    *, user: AnyUser, query: str, limit: int = SEARCH_LIMIT
) -> list[SearchHit]:
    """One search box: any identifier however typed, or a name (accents and case ignored).

    Each hit's customer carries `home_unit_name`."""
    query = query.strip()
    rule = customer_rule(user)
    if not query or rule.reach is Reach.NOTHING:
        return []
    hits: list[SearchHit] = []
    seen: set[int] = set()
    candidates = sorted(normalise.candidates(query))
    if candidates:
        # An identifier names a customer or a few (one per type of identifier at most), so
        # the rule is applied to them here rather than built into the query.
        marks = ", ".join(["%s"] * len(candidates))
        sql = _SEARCH_SQL.replace("{marks}", marks)
        for customer in _raw(Customer, sql, candidates):
            if customer.pk not in seen and len(hits) < limit and rule.admits(customer):
                seen.add(customer.pk)
                row = customer.__dict__
                identity = Identity(
                    id=row["identity_id"],
                    customer=customer,
                    type=row["identity_type"],
                    value=row["identity_value"],
                )
                hits.append(SearchHit(customer, "identity", identity))
    names_q = _names_q(query)
    if names_q is not None and len(hits) < limit:
        visible_q = rule.q()
        assert visible_q is not None  # reach is not NOTHING
        names = (
            Customer.objects.filter(visible_q)
            .annotate(home_unit_name=F("home_unit__name"))
            .filter(names_q)
        )
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
    Each interaction carries what the screen and the API show of its references, read in the
    same query: `unit_code`, `unit_name`, `employee_external_id`, `employee_name`,
    `campaign_external_id`, `campaign_name` (None or "" when it has none).
    """
    sql = [_TIMELINE_SQL]
    params: list[object] = [customer.pk]
    if channel:
        sql.append("AND i.channel = %s")
        params.append(channel)
    if before is not None:
        when, pk = before
        at = connection.ops.adapt_datetimefield_value(when)
        sql.append("AND (i.occurred_at < %s OR (i.occurred_at = %s AND i.id < %s))")
        params += [at, at, pk]
    sql.append("ORDER BY i.occurred_at DESC, i.id DESC LIMIT %s")
    params.append(limit)
    return _raw(Interaction, " ".join(sql), params)


def handoff_notes_open(*, customer: Customer) -> list[HandoffNote]:
    """The customer's unresolved notes, latest first, each with `author_name` and
    `author_unit_name`."""
    return _raw(HandoffNote, _NOTES_SQL, [customer.pk])


def deliveries_received(*, customer: Customer, limit: int = 10) -> list[Delivery]:
    """The campaigns this customer received, latest first, with the message as sent: each
    delivery carries `campaign_name`, `campaign_channel`, `campaign_message`, `campaign_offer`."""
    return _raw(Delivery, _DELIVERIES_SQL, [customer.pk, limit])


def offers_eligible(*, customer: Customer, today: dt.date | None = None) -> list[Campaign]:
    """Offers live for customers today whose audience includes this customer's segment."""
    today = today or timezone.localdate()
    day = connection.ops.adapt_datefield_value(today)
    return [
        campaign
        for campaign in _raw(Campaign, _OFFERS_SQL, [day, day])
        if not campaign.audience_segments or customer.segment in campaign.audience_segments
    ]


def identities_of(*, customer: Customer) -> list[Identity]:
    return _raw(Identity, _IDENTITIES_SQL, [customer.pk])


# The screen's reads are written in SQL rather than built by the ORM: on the hot path of the
# frontline, compiling a query costs more than PostgreSQL takes to plan and run it (measured
# in bench/README.md: the timeline 1.2 ms of CPU through the ORM, 0.4 ms this way).
# `read_models` still makes the models and converts their fields (time zones, JSON) on both
# databases, as `raw()` does, at less cost. Joined names are `COALESCE`d so that a template
# never shows "None".
def _raw(model: type[M], sql: str, params: Sequence[object]) -> list[M]:
    return read_models(model, sql.format_map(_tables()), params)


@functools.cache
def _tables() -> dict[str, str]:
    return {
        "customer": Customer._meta.db_table,
        "interaction": Interaction._meta.db_table,
        "note": HandoffNote._meta.db_table,
        "delivery": Delivery._meta.db_table,
        "campaign": Campaign._meta.db_table,
        "identity": Identity._meta.db_table,
        "unit": Unit._meta.db_table,
        "employee": Employee._meta.db_table,
        "user": get_user_model()._meta.db_table,
    }


_NAME = "TRIM(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, ''))"
_CUSTOMER_SQL = """
SELECT c.*, hu.path AS home_unit_path, COALESCE(hu.name, '') AS home_unit_name,
       CASE WHEN e.id IS NULL THEN '' ELSE {name} END AS advisor_name,
       e.unit_id AS advisor_unit_id, COALESCE(au.name, '') AS advisor_unit_name
FROM {customer} c
LEFT JOIN {unit} hu ON hu.id = c.home_unit_id
LEFT JOIN {employee} e ON e.id = c.advisor_id
LEFT JOIN {user} u ON u.id = e.user_id
LEFT JOIN {unit} au ON au.id = e.unit_id""".replace("{name}", _NAME)
_SERVING_SQL = (
    "SELECT * FROM {{unit}} WHERE path IN ({paths}) AND kind IN ({kinds})"
    " ORDER BY depth DESC LIMIT 1"
)
_SEARCH_SQL = (
    _CUSTOMER_SQL.replace(
        "SELECT c.*,",
        "SELECT c.*, i.id AS identity_id, i.type AS identity_type, i.value AS identity_value,",
    )
    + " JOIN {identity} i ON i.customer_id = c.id WHERE i.value IN ({marks}) ORDER BY c.id, i.id"
)
_TIMELINE_SQL = """
SELECT i.id, i.external_id, i.customer_id, i.occurred_at, i.channel, i.unit_id, i.employee_id,
       i.subject, i.summary, i.outcome, i.campaign_id,
       un.code AS unit_code, COALESCE(un.name, '') AS unit_name,
       e.external_id AS employee_external_id,
       CASE WHEN e.id IS NULL THEN '' ELSE {name} END AS employee_name,
       c.external_id AS campaign_external_id, COALESCE(c.name, '') AS campaign_name
FROM {interaction} i
LEFT JOIN {unit} un ON un.id = i.unit_id
LEFT JOIN {employee} e ON e.id = i.employee_id
LEFT JOIN {user} u ON u.id = e.user_id
LEFT JOIN {campaign} c ON c.id = i.campaign_id
WHERE i.customer_id = %s""".replace("{name}", _NAME)
_NOTES_SQL = """
SELECT n.*, {name} AS author_name, un.name AS author_unit_name
FROM {note} n
JOIN {employee} e ON e.id = n.author_id
JOIN {user} u ON u.id = e.user_id
JOIN {unit} un ON un.id = e.unit_id
WHERE n.customer_id = %s AND n.resolved_at IS NULL
ORDER BY n.created_at DESC, n.id DESC""".replace("{name}", _NAME)
_DELIVERIES_SQL = """
SELECT d.*, c.name AS campaign_name, c.channel AS campaign_channel,
       c.message AS campaign_message, c.offer AS campaign_offer
FROM {delivery} d JOIN {campaign} c ON c.id = d.campaign_id
WHERE d.customer_id = %s
ORDER BY d.sent_at DESC, d.id DESC LIMIT %s"""
_OFFERS_SQL = """
SELECT * FROM {campaign}
WHERE external_launch <= %s AND "end" >= %s AND offer <> ''
ORDER BY "end", name, id"""
_IDENTITIES_SQL = "SELECT * FROM {identity} WHERE customer_id = %s"


def campaigns_for_employees(*, today: dt.date | None = None) -> dict[str, list[Campaign]]:
    """Campaigns an employee should know about: live now, and coming (launched internally)."""
    today = today or timezone.localdate()
    known = Campaign.objects.filter(internal_launch__lte=today, end__gte=today)
    return {
        "live": list(known.filter(external_launch__lte=today).order_by("end", "name")),
        "coming": list(known.filter(external_launch__gt=today).order_by("external_launch")),
    }

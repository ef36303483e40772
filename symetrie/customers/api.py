"""Customers endpoints: the customer list and profile, the timeline, campaigns, bulk upserts.

Reads go through `customers.selectors`: a customer outside the caller's scope answers 404, as
one that does not exist. Bulk writes follow the import contract (`symetrie import KIND FILE`).
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.params import P, QueryEx

from symetrie.core.bulk import BulkOut, require_org_admin, run_bulk
from symetrie.customers import selectors
from symetrie.customers.models import Campaign, Channel, Customer, Interaction
from symetrie.org.selectors import Reach, scope_for

router = Router(tags=["customers"])

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


class IdentityOut(Schema):
    type: str
    value: str


class CustomerOut(Schema):
    external_id: str
    first_name: str
    last_name: str
    segment: str
    language: str
    preferred_channel: str
    consent_email: bool
    consent_sms: bool
    consent_phone: bool
    home_unit_code: str | None
    advisor_external_id: str | None

    @staticmethod
    def resolve_home_unit_code(customer: Customer) -> str | None:
        return customer.home_unit.code if customer.home_unit is not None else None

    @staticmethod
    def resolve_advisor_external_id(customer: Customer) -> str | None:
        return customer.advisor.external_id if customer.advisor is not None else None


class CustomerDetailOut(CustomerOut):
    identities: list[IdentityOut]

    @staticmethod
    def resolve_identities(customer: Customer) -> list[dict[str, str]]:
        return [
            {"type": identity.type, "value": identity.value}
            for identity in customer.identities.order_by("type", "value")
        ]


class InteractionOut(Schema):
    external_id: str
    occurred_at: dt.datetime
    channel: str
    unit_code: str | None
    employee_external_id: str | None
    subject: str
    summary: str
    outcome: str
    campaign_external_id: str | None

    @staticmethod
    def resolve_unit_code(interaction: Interaction) -> str | None:
        return _annotation(interaction, "unit_code")

    @staticmethod
    def resolve_employee_external_id(interaction: Interaction) -> str | None:
        return _annotation(interaction, "employee_external_id")

    @staticmethod
    def resolve_campaign_external_id(interaction: Interaction) -> str | None:
        return _annotation(interaction, "campaign_external_id")


def _annotation(interaction: Interaction, name: str) -> str | None:
    """A reference's key, read with the interaction by `selectors.timeline`."""
    value: str | None = interaction.__dict__[name]
    return value


class TimelineOut(Schema):
    items: list[InteractionOut]
    next: str | None = Field(
        None, description="Pass as `before` to get the next (older) page; null on the last one."
    )


class CampaignOut(Schema):
    external_id: str
    name: str
    channel: str
    message: str
    offer: str
    audience: list[str]
    internal_launch: dt.date
    external_launch: dt.date
    end: dt.date

    @staticmethod
    def resolve_audience(campaign: Campaign) -> list[str]:
        return list(campaign.audience_segments)


# ---------------------------------------------------------------- bulk (before the {id} routes)


@router.post("/customers/bulk", response=BulkOut)
def customers_bulk(request: HttpRequest, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Create or update customers by external id (columns of the `customers` import)."""
    require_org_admin(request, "customers.change_customer")
    return run_bulk("customers", records)


@router.post("/identities/bulk", response=BulkOut)
def identities_bulk(request: HttpRequest, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Attach identifiers to customers (`customer_external_id, type, value`)."""
    require_org_admin(request, "customers.change_identity")
    return run_bulk("identities", records)


@router.post("/interactions/bulk", response=BulkOut)
def interactions_bulk(request: HttpRequest, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Create or update interactions by external id (columns of the `interactions` import)."""
    require_org_admin(request, "customers.change_interaction")
    return run_bulk("interactions", records)


@router.post("/campaigns/bulk", response=BulkOut)
def campaigns_bulk(request: HttpRequest, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Create or update campaigns by external id (columns of the `campaigns` import)."""
    require_org_admin(request, "customers.change_campaign")
    return run_bulk("campaigns", records)


@router.post("/deliveries/bulk", response=BulkOut)
def deliveries_bulk(request: HttpRequest, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Record campaigns sent to customers, by (campaign, customer)."""
    require_org_admin(request, "customers.change_delivery")
    return run_bulk("deliveries", records)


# ---------------------------------------------------------------- reads


@router.get("/customers", response=list[CustomerOut])
@paginate(LimitOffsetPagination)
def customers_list(
    request: HttpRequest,
    segment: str | None = None,
    home_unit: str | None = None,
    q: str | None = None,
) -> Any:
    """Customers the caller may see. `home_unit`: a unit's code; `q`: the one search box — any
    identifier however typed (`06 12 34 56 78`, a card number with spaces...) or a name, accents
    and case ignored."""
    customers = selectors.customer_list_visible_to(user=request.user).select_related(
        "home_unit", "advisor"
    )
    if segment:
        customers = customers.filter(segment=segment)
    if home_unit:
        customers = customers.filter(home_unit__code=home_unit)
    if q and q.strip():
        customers = customers.filter(selectors.customer_matching_q(q))
    return customers.order_by("last_name_folded", "first_name_folded", "external_id")


def _visible_customer(request: HttpRequest, external_id: str) -> Customer:
    customer = (
        selectors.customer_list_visible_to(user=request.user)
        .select_related("home_unit", "advisor")
        .filter(external_id=external_id)
        .first()
    )
    if customer is None:
        raise Http404("No such customer.")
    return customer


@router.get("/customers/{external_id}", response=CustomerDetailOut)
def customers_read(request: HttpRequest, external_id: str) -> Customer:
    """A customer's profile and identifiers."""
    return _visible_customer(request, external_id)


@router.get("/customers/{external_id}/interactions", response=TimelineOut)
def customers_timeline(
    request: HttpRequest,
    external_id: str,
    channel: Channel | None = None,
    before: str | None = None,
    limit: QueryEx[int, P(ge=1, le=100)] = selectors.TIMELINE_PAGE,
) -> dict[str, Any]:
    """The customer's interactions on every channel, latest first, a page at a time (`before`:
    the `next` of the page before)."""
    customer = _visible_customer(request, external_id)
    page = selectors.timeline(
        customer=customer,
        channel=channel.value if channel else None,
        before=_decode(before) if before else None,
        limit=limit + 1,
    )
    more = len(page) > limit
    page = page[:limit]
    return {"items": page, "next": _encode(page[-1]) if more else None}


def _encode(interaction: Interaction) -> str:
    return f"{(interaction.occurred_at - _EPOCH) // _MICROSECOND}_{interaction.pk}"


def _decode(cursor: str) -> tuple[dt.datetime, int]:
    try:
        micros, pk = (int(part) for part in cursor.split("_"))
        return _EPOCH + micros * _MICROSECOND, pk
    except (ValueError, OverflowError):
        raise HttpError(422, "`before` must be the `next` of a previous page") from None


def _evaluated(view: Callable[..., Any]) -> Callable[..., Any]:
    """Annotations evaluated here: `paginate` wraps the view, and Ninja would look the names of
    the parameters' types up in the wrapper's module."""
    view.__annotations__ = typing.get_type_hints(view, include_extras=True)
    return view


@router.get("/campaigns", response=list[CampaignOut])
@paginate(LimitOffsetPagination)
@_evaluated
def campaigns_list(request: HttpRequest, on: dt.date | None = None) -> Any:
    """Campaigns, latest first; `on`: those employees know of that day (launched internally,
    not ended). Any employee may read them: employees see a campaign before customers do."""
    if scope_for(request.user).reach is Reach.NOTHING:
        return Campaign.objects.none()
    campaigns = Campaign.objects.all()
    if on is not None:
        campaigns = campaigns.filter(internal_launch__lte=on, end__gte=on)
    return campaigns.order_by("-external_launch", "name", "external_id")

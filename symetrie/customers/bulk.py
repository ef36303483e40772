"""Bulk writes of the customers app: customers, identities, interactions, campaigns, deliveries.

Each kind's records are written set-based by `symetrie.core.importing.sql.staged_upsert`
(COPY on PostgreSQL, executemany on SQLite), by its external key, in the caller's transaction.
A record is a named tuple of the staged columns: the model's fields copied as they are, then
the external keys of the rows it refers to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from symetrie.core.importing import BatchResult, Line
from symetrie.core.importing.sql import Guard, Ref, StagedUpsert, staged_upsert
from symetrie.customers.models import Campaign, Customer, Delivery, Identity, Interaction

UNKNOWN_CUSTOMER = _("unknown customer “%(value)s”")
UNKNOWN_UNIT = _("unknown unit “%(value)s”")
UNKNOWN_EMPLOYEE = _("unknown employee “%(value)s”")
UNKNOWN_CAMPAIGN = _("unknown campaign “%(value)s”")


class CustomerRecord(NamedTuple):
    external_id: str
    first_name: str
    last_name: str
    first_name_folded: str
    last_name_folded: str
    segment: str
    language: str
    # None: the column is absent (left as it is on existing customers).
    preferred_channel: str | None
    consent_email: bool | None
    consent_sms: bool | None
    consent_phone: bool | None
    home_unit_code: str | None
    advisor_external_id: str | None


CUSTOMERS = StagedUpsert(
    model=Customer,
    key=("external_id",),
    values=(
        "external_id", "first_name", "last_name", "first_name_folded", "last_name_folded",
        "segment", "language", "preferred_channel", "consent_email", "consent_sms",
        "consent_phone",
    ),
    refs=(
        Ref("home_unit_code", "home_unit", "code", UNKNOWN_UNIT),
        Ref("advisor_external_id", "advisor", "external_id", UNKNOWN_EMPLOYEE),
    ),
    keep_if_absent=("preferred_channel", "consent_email", "consent_sms", "consent_phone"),
    on_insert=("created_at",),
)  # fmt: skip


class IdentityRecord(NamedTuple):
    type: str
    value: str  # in normal form
    customer_external_id: str


IDENTITIES = StagedUpsert(
    model=Identity,
    key=("type", "value"),
    values=("type", "value"),
    refs=(Ref("customer_external_id", "customer", "external_id", UNKNOWN_CUSTOMER, True),),
    guard=Guard("customer", "value", "external_id", _("already belongs to customer “%(value)s”")),
)


class InteractionRecord(NamedTuple):
    external_id: str
    occurred_at: dt.datetime
    channel: str
    subject: str
    summary: str
    outcome: str
    customer_external_id: str
    unit_code: str | None
    employee_external_id: str | None
    campaign_external_id: str | None


INTERACTIONS = StagedUpsert(
    model=Interaction,
    key=("external_id",),
    values=("external_id", "occurred_at", "channel", "subject", "summary", "outcome"),
    refs=(
        Ref("customer_external_id", "customer", "external_id", UNKNOWN_CUSTOMER, True),
        Ref("unit_code", "unit", "code", UNKNOWN_UNIT),
        Ref("employee_external_id", "employee", "external_id", UNKNOWN_EMPLOYEE),
        Ref("campaign_external_id", "campaign", "external_id", UNKNOWN_CAMPAIGN),
    ),
    keep_if_absent=("campaign_external_id",),
    copy_new=True,
)


class CampaignRecord(NamedTuple):
    external_id: str
    name: str
    channel: str
    message: str
    offer: str
    audience_segments: list[str] | None  # None: the column is absent
    internal_launch: dt.date
    external_launch: dt.date
    end: dt.date


CAMPAIGNS = StagedUpsert(
    model=Campaign,
    key=("external_id",),
    values=CampaignRecord._fields,
    keep_if_absent=("audience_segments",),
)


class DeliveryRecord(NamedTuple):
    sent_at: dt.datetime
    opened_at: dt.datetime | None
    clicked_at: dt.datetime | None
    converted_at: dt.datetime | None
    campaign_external_id: str
    customer_external_id: str


DELIVERIES = StagedUpsert(
    model=Delivery,
    key=("campaign", "customer"),
    values=("sent_at", "opened_at", "clicked_at", "converted_at"),
    refs=(
        Ref("campaign_external_id", "campaign", "external_id", UNKNOWN_CAMPAIGN, True),
        Ref("customer_external_id", "customer", "external_id", UNKNOWN_CUSTOMER, True),
    ),
)


def customer_upsert_many(lines: Sequence[Line[CustomerRecord]]) -> BatchResult:
    """Create or update customers by external id; home unit and advisor by code / external id."""
    return staged_upsert(CUSTOMERS, lines)


def identity_upsert_many(lines: Sequence[Line[IdentityRecord]]) -> BatchResult:
    """Attach identifiers (in normal form) to customers; one that belongs to another customer
    is rejected, never moved."""
    return staged_upsert(IDENTITIES, lines)


def interaction_upsert_many(lines: Sequence[Line[InteractionRecord]]) -> BatchResult:
    """Create or update interactions by external id (the timeline)."""
    return staged_upsert(INTERACTIONS, lines)


def campaign_upsert_many(lines: Sequence[Line[CampaignRecord]]) -> BatchResult:
    """Create or update campaigns by external id."""
    return staged_upsert(CAMPAIGNS, lines)


def delivery_upsert_many(lines: Sequence[Line[DeliveryRecord]]) -> BatchResult:
    """Record campaigns sent to customers, by (campaign, customer)."""
    return staged_upsert(DELIVERIES, lines)

"""The demo, built once per test module (a build takes a few seconds), and a full dump of
what it wrote, to compare builds exactly.

Tests build the "tiny" size: the small network (the same org as `symetrie demo` builds) with
1 200 customers instead of 20 000, so that a build takes seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from symetrie.customers.models import (
    Campaign,
    Customer,
    Delivery,
    HandoffNote,
    Identity,
    Interaction,
)
from symetrie.demo.builder import DemoContext, build, wipe
from symetrie.listening.models import (
    Answer,
    CustomerLink,
    Invitation,
    Participation,
    Response,
    Survey,
)
from symetrie.org.models import Employee, Role, Unit

TEST_SIZE = "tiny"


# The demo's facts are exact for one date (who has left, which campaigns are live...): the tests
# live on that date, whatever the machine's, so that a later day changes no figure.
DEMO_NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoContext]:
    """The default demo (seed 42, the small network with the tests' few customers), dated
    DEMO_NOW, with the clock at DEMO_NOW too so that the access rules, which read the clock,
    see it as the command would on that day; wiped when the module's tests are done."""
    with time_machine.travel(DEMO_NOW, tick=False):
        with django_db_blocker.unblock():
            ctx = build(seed=42, today=timezone.localdate(), size=TEST_SIZE)
        yield ctx
        with django_db_blocker.unblock():
            wipe()


def dump() -> dict[str, list[tuple[Any, ...]]]:
    """Everything the demo writes, by natural keys (no database ids: they are not data)."""
    return {
        "units": list(
            Unit.objects.order_by("code").values_list(
                "code", "name", "kind", "parent__code", "depth"
            )
        ),
        "roles": list(
            Role.objects.order_by("code").values_list(
                "code", "name", "is_org_wide", "goodwill_max_eur", "may_waive_fees", "decisions"
            )
        ),
        "employees": list(
            Employee.objects.order_by("external_id").values_list(
                "external_id",
                "user__username",
                "user__email",
                "user__first_name",
                "user__last_name",
                "user__is_active",
                "user__is_staff",
                "user__is_superuser",
                "unit__code",
                "role__code",
                "hire_date",
                "leave_date",
                "is_manager",
            )
        ),
        "other_users": list(
            get_user_model()
            .objects.filter(employee__isnull=True)
            .order_by("username")
            .values_list("username", "email", "first_name", "last_name", "is_staff", "is_superuser")
        ),
        **dump_customers(),
        **dump_listening(),
    }


def dump_listening() -> dict[str, list[tuple[Any, ...]]]:
    """What the listening step writes (answers by their random ids: the generator draws them)."""
    return {
        "surveys": list(
            Survey.objects.order_by("external_id").values_list(
                "external_id", "kind", "cadence", "min_group_size", "opened_at", "releases"
            )
        ),
        "invitations": list(
            Invitation.objects.order_by("token_hash").values_list(
                "token_hash",
                "survey__external_id",
                "customer__external_id",
                "unit__code",
                "channel",
                "language",
                "trigger_ref",
                "sent_at",
                "reminders_sent",
                "used",
            )
        ),
        "responses": list(
            Response.objects.order_by("id").values_list(
                "id",
                "survey__external_id",
                "unit__code",
                "language",
                "round_start",
                "answered_on",
                "bands",
                "release",
                "release_unit__code",
            )
        ),
        "answers": list(
            Answer.objects.order_by("id").values_list(
                "response_id", "code", "number", "choices", "text"
            )
        ),
        "customer_links": list(
            CustomerLink.objects.order_by("response_id").values_list(
                "response_id", "customer__external_id", "invitation__token_hash", "answered_at"
            )
        ),
        "participations": list(
            Participation.objects.order_by(
                "survey__external_id", "employee__external_id", "round_start"
            ).values_list("survey__external_id", "employee__external_id", "round_start")
        ),
    }


def dump_customers() -> dict[str, list[tuple[Any, ...]]]:
    """What the customers step writes, by natural keys."""
    return {
        "customers": list(
            Customer.objects.order_by("external_id").values_list(
                "external_id",
                "first_name",
                "last_name",
                "first_name_folded",
                "last_name_folded",
                "segment",
                "language",
                "preferred_channel",
                "consent_email",
                "consent_sms",
                "consent_phone",
                "created_at",
                "home_unit__code",
                "advisor__external_id",
            )
        ),
        "identities": list(
            Identity.objects.order_by("type", "value").values_list(
                "type", "value", "customer__external_id"
            )
        ),
        "interactions": list(
            Interaction.objects.order_by("external_id").values_list(
                "external_id",
                "customer__external_id",
                "occurred_at",
                "channel",
                "subject",
                "summary",
                "outcome",
                "unit__code",
                "employee__external_id",
                "campaign__external_id",
            )
        ),
        "campaigns": list(
            Campaign.objects.order_by("external_id").values_list(
                "external_id",
                "name",
                "channel",
                "message",
                "offer",
                "audience_segments",
                "internal_launch",
                "external_launch",
                "end",
            )
        ),
        "deliveries": list(
            Delivery.objects.order_by("campaign__external_id", "customer__external_id").values_list(
                "campaign__external_id",
                "customer__external_id",
                "sent_at",
                "opened_at",
                "clicked_at",
                "converted_at",
            )
        ),
        "handoff_notes": list(
            HandoffNote.objects.order_by("customer__external_id", "created_at").values_list(
                "customer__external_id",
                "author__external_id",
                "text",
                "created_at",
                "resolved_at",
                "resolved_by__external_id",
            )
        ),
    }

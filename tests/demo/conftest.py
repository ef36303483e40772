"""The demo, built once per test module (a build takes about a second), and a full dump of
what it wrote, to compare builds exactly."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from symetrie.demo.builder import DemoContext, build, wipe
from symetrie.org.models import Employee, Role, Unit


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoContext]:
    """The default demo (seed 42, small), dated today so that the access rules, which use
    the real date, see it as the command would; wiped when the module's tests are done."""
    with django_db_blocker.unblock():
        ctx = build(seed=42, today=timezone.localdate())
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
    }

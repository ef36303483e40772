"""The admin: SLA policies and playbooks are edited there; cases are shown, never written."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from symetrie.cases.models import SlaPolicy


@pytest.fixture
def admin_client_(db) -> Client:
    user = get_user_model().objects.create_superuser("root", "root@example.fr", "x")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model", ["case", "decision", "escalation", "slapolicy", "playbook", "onboardingprogress"]
)
def test_every_list_renders(admin_client_, complaint, model):
    assert admin_client_.get(f"/admin/cases/{model}/").status_code == 200


def test_cases_are_read_only_and_policies_editable(admin_client_, complaint):
    assert admin_client_.get("/admin/cases/case/add/").status_code == 403
    page = admin_client_.get(f"/admin/cases/case/{complaint.pk}/change/")
    assert page.status_code == 200
    assert b'name="subject"' not in page.content
    policy = SlaPolicy.objects.get(type="complaint", priority="normal")
    assert admin_client_.get(f"/admin/cases/slapolicy/{policy.pk}/change/").status_code == 200

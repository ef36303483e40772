"""The demo's cases: realistic follow-through (most on time, some late, a few left behind),
new hires escalating more, irritants clustering on a few processes, the personas' showcase,
data the case engine itself would have written, and the same data for the same seed."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from symetrie.cases import selectors, sla
from symetrie.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    Commitment,
    Decision,
    Escalation,
    OnboardingProgress,
    Playbook,
    SlaPolicy,
)
from symetrie.demo.builder import build
from symetrie.demo.listening import FOLLOW_UP_PREFIX
from symetrie.demo.personas import PERSONAS
from symetrie.listening import closed_loop
from symetrie.org.models import Employee
from tests.conftest import client_for
from tests.demo.conftest import TEST_SIZE

pytestmark = pytest.mark.usefixtures("db")

TODAY = dt.date(2025, 6, 16)
LOGIN = {spec.key: spec.email for spec in PERSONAS}


def persona(key: str) -> Employee:
    return Employee.objects.select_related("user", "unit", "role").get(user__username=LOGIN[key])


def dump_cases() -> dict[str, list[tuple[Any, ...]]]:
    """What the cases step writes, by natural keys."""
    return {
        "cases": list(
            Case.objects.order_by("external_id").values_list(
                "external_id", "audience", "type", "subject", "description", "channel",
                "customer__external_id", "raised_by__external_id", "unit__code",
                "owner__external_id", "priority", "status", "process",
                "related_case__external_id", "next_step", "opened_at", "due_at", "resolved_at",
                "closed_at", "first_contact_resolution",
            )
        ),
        "events": list(
            CaseEvent.objects.order_by("case__external_id", "at", "pk").values_list(
                "case__external_id", "kind", "at", "actor__external_id", "from_status",
                "to_status", "note",
            )
        ),
        "commitments": list(
            Commitment.objects.order_by("case__external_id", "due_at", "text").values_list(
                "case__external_id", "text", "due_at", "made_at", "done_at"
            )
        ),
        "decisions": list(
            Decision.objects.order_by("case__external_id", "decided_at").values_list(
                "case__external_id", "kind", "amount_eur", "label", "within_latitude", "status"
            )
        ),
        "escalations": list(
            Escalation.objects.order_by("case__external_id", "raised_at").values_list(
                "case__external_id", "to__external_id", "status", "reason", "answer"
            )
        ),
        "onboarding": list(
            OnboardingProgress.objects.order_by("employee__external_id", "playbook__slug")
            .values_list("employee__external_id", "playbook__slug", "completed_at")
        ),
    }  # fmt: skip


def build_and_dump(**kwargs: Any) -> dict[str, Any]:
    """Build into the empty test database, read, and roll back."""
    with transaction.atomic():
        ctx = build(**{"seed": 42, "today": TODAY, "size": TEST_SIZE, **kwargs})
        data = dump_cases()
        lead = get_user_model().objects.get(username=LOGIN["admin"])
        data["rates"] = selectors.rates_by_tenure(user=lead)
        data["facts"] = ctx.cases
        data["follow_ups"] = ctx.listening.follow_ups
        transaction.set_rollback(True)
    return data


@pytest.fixture(scope="module")
def dated(django_db_setup: None, django_db_blocker: Any) -> dict[str, Any]:
    """A build on a fixed date: the same data every day the tests run."""
    with django_db_blocker.unblock():
        return build_and_dump()


# ---------------------------------------------------------------- determinism


def test_same_seed_and_date_give_the_same_cases(dated):
    again = build_and_dump()

    assert len(dated["cases"]) > 300
    assert {key: again[key] for key in dated if key != "rates"} == {
        key: dated[key] for key in dated if key != "rates"
    }


def test_another_seed_gives_other_cases(dated):
    other = build_and_dump(seed=43)

    assert other["cases"] != dated["cases"]
    assert other["events"] != dated["events"]


def test_new_hires_escalate_more_and_resolve_less_at_first_contact(dated):
    under_3_months, _months, over_a_year = dated["rates"]

    assert under_3_months.cases >= 10
    assert under_3_months.escalation_rate > 2 * over_a_year.escalation_rate
    assert under_3_months.first_contact_rate < over_a_year.first_contact_rate - 0.15


def test_the_facts_count_what_was_written(dated):
    facts = dated["facts"]

    # The listening step adds the closed loop's call-backs, one "created" event each.
    follow_ups = dated["follow_ups"]
    assert facts.customer_cases + facts.irritants + facts.internal_requests + follow_ups == len(
        dated["cases"]
    )
    assert (facts.commitments, facts.escalations, facts.events + follow_ups) == (
        len(dated["commitments"]), len(dated["escalations"]), len(dated["events"]),
    )  # fmt: skip


# ---------------------------------------------------------------- shape (built for today)


def test_the_engine_defaults_are_back_after_the_flush(demo):
    assert Playbook.objects.count() == 34
    assert SlaPolicy.objects.count() == 20


def test_both_audiences_and_every_kind(demo):
    kinds = Counter(Case.objects.values_list("audience", "type"))

    assert set(kinds) == {
        ("customer", "request"), ("customer", "complaint"), ("customer", "information"),
        ("employee", "irritant"), ("employee", "internal_request"),
    }  # fmt: skip
    assert kinds["customer", "request"] + kinds["customer", "complaint"] > 250


def test_most_cases_are_resolved_on_time_some_late_a_few_left_behind(demo):
    customer = Case.objects.filter(audience="customer")
    resolved = customer.filter(resolved_at__isnull=False)
    late = resolved.filter(resolved_at__gt=F("due_at")).count()
    overdue = customer.overdue(timezone.now()).count()

    assert resolved.count() > 0.85 * customer.count()
    assert 0.03 < late / resolved.count() < 0.25
    assert 1 <= overdue < 0.1 * customer.count()


def test_irritants_cluster_on_a_few_processes(demo):
    processes = Counter(Case.objects.filter(type="irritant").values_list("process", flat=True))
    total = sum(processes.values())

    top_three = sum(count for _process, count in processes.most_common(3))
    assert top_three > 0.5 * total
    flagged = Case.objects.filter(type="irritant", related_case__isnull=False)
    assert flagged.exists()
    for irritant in flagged.select_related("related_case"):
        assert irritant.related_case.events.filter(kind="friction", note=irritant.process).exists()
        assert irritant.customer_id == irritant.related_case.customer_id


def test_decisions_within_latitude_are_done_beyond_it_they_go_up(demo):
    decisions = Decision.objects.select_related("decided_by__role", "case")

    assert {d.within_latitude for d in decisions} == {True, False}
    for decision in decisions:
        allowed = selectors.latitude_allows(
            role=decision.decided_by.role, kind=decision.kind, amount_eur=decision.amount_eur,
            label=decision.label,
        )  # fmt: skip
        assert decision.within_latitude == allowed
        if allowed:
            assert decision.status == "done"
            assert not Escalation.objects.filter(decision=decision).exists()
        else:
            escalation = Escalation.objects.get(decision=decision)
            assert escalation.to == selectors.manager_for(employee=decision.decided_by)
            assert decision.case.subject in escalation.reason
            assert {"escalated": "pending"}.get(decision.status, decision.status) == (
                escalation.status
            )


def test_the_agency_director_has_escalations_waiting(demo):
    director = persona("manager")

    waiting = list(selectors.escalations_waiting_for(employee=director))

    assert len(waiting) >= 5
    assert all(e.decision is not None and not e.decision.within_latitude for e in waiting)
    assert all(e.case.unit.path.startswith(director.unit.path) for e in waiting)


def test_the_frontline_persona_has_cases_worth_opening(demo):
    adviser = persona("frontline")

    owned = list(selectors.cases_owned_by(employee=adviser))
    overdue = selectors.overdue_for_employee(employee=adviser)

    assert len(owned) >= 8
    assert overdue.cases
    assert Commitment.objects.filter(case__owner=adviser, done_at__isnull=True).exists()
    assert selectors.irritants_raised_by(employee=adviser).count() >= 3
    client = client_for(adviser)
    case = owned[0]
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    screen = client.get(f"/workspace/customers/{case.customer_id}/").content.decode()
    assert f'href="/cases/{case.pk}/"' in screen


def test_the_data_is_what_the_engine_would_have_written(demo):
    cases = Case.objects.all()
    for case in cases:
        if case.external_id.startswith(FOLLOW_UP_PREFIX):
            # The closed loop's call-backs: due 48 business hours after the answer.
            due = sla.add_business_hours(case.opened_at, closed_loop.FOLLOW_UP_BUSINESS_HOURS)
        else:
            due = sla.due_at(case.type, case.priority, case.opened_at)
        assert case.due_at == due
        assert (case.resolved_at is not None) == (case.status in ("resolved", "closed"))
        assert (case.closed_at is not None) == (case.status == "closed")
        assert (case.first_contact_resolution is not None) == (case.resolved_at is not None)
        assert (case.status in OPEN_STATUSES) == case.is_open
    first = {}
    for event in CaseEvent.objects.order_by("case_id", "at", "pk"):
        first.setdefault(event.case_id, event)
        assert event.at >= first[event.case_id].at
    assert {event.kind for event in first.values()} == {"created"}
    assert set(first) == set(cases.values_list("pk", flat=True))
    for commitment in Commitment.objects.exclude(done_at=None):
        assert commitment.done_at >= commitment.made_at
    for escalation in Escalation.objects.exclude(decided_at=None):
        assert escalation.decided_at > escalation.raised_at
    # First-contact resolutions are by whoever opened the case, with no detour.
    for case in cases.filter(first_contact_resolution=True):
        assert not case.events.filter(kind__in=("handoff", "escalated")).exists()


def test_new_hires_are_part_way_through_onboarding(demo):
    today = demo.today
    progress = OnboardingProgress.objects.select_related("employee", "playbook")

    assert progress.exists()
    ranks: dict[int, list[int]] = {}
    for step in progress:
        assert (today - step.employee.hire_date).days < 120
        ranks.setdefault(step.employee_id, []).append(step.playbook.onboarding_rank)
    # Always the first steps of the path, in order.
    assert all(sorted(done) == list(range(1, len(done) + 1)) for done in ranks.values())

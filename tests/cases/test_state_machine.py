"""The case's state machine: only the transitions of TRANSITIONS, reopening, resolution and
first-contact resolution, closing refused with an open commitment."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from symetrie.cases import services
from symetrie.cases.models import OPEN_STATUSES, TRANSITIONS, Case, EventKind, Status
from tests.cases.conftest import paris, state

ALLOWED = {(source, target) for source, targets in TRANSITIONS.items() for target in targets}


def test_the_state_machine_is_the_documented_one():
    assert set(ALLOWED) == {
        ("new", "in_progress"), ("new", "waiting_customer"), ("new", "waiting_team"),
        ("new", "resolved"),
        ("in_progress", "waiting_customer"), ("in_progress", "waiting_team"),
        ("in_progress", "resolved"),
        ("waiting_customer", "in_progress"), ("waiting_customer", "resolved"),
        ("waiting_team", "in_progress"), ("waiting_team", "resolved"),
        ("resolved", "closed"), ("resolved", "in_progress"),
        ("closed", "in_progress"),
    }  # fmt: skip


def _in_status(case: Case, status: str) -> Case:
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    return case


@pytest.mark.parametrize(
    ("source", "target"),
    [pair for pair in itertools.product(Status.values, Status.values) if pair not in ALLOWED],
)
def test_an_invalid_transition_is_refused_and_changes_nothing(complaint, frontline, source, target):
    case = _in_status(complaint, source)
    before = state(case)

    with pytest.raises(ValidationError) as refused:
        services.case_transition(actor=frontline, case=case, to=target)

    assert list(refused.value.message_dict) == ["to"]
    assert state(case) == before


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_every_allowed_transition_is_recorded(complaint, frontline, source, target):
    case = _in_status(complaint, source)

    moved = services.case_transition(actor=frontline, case=case, to=target, note="  why  ")

    assert moved.status == target
    event = moved.events.order_by("-pk").first()
    reopening = source in ("resolved", "closed") and target in OPEN_STATUSES
    assert (event.kind, event.actor, event.from_status, event.to_status, event.note) == (
        EventKind.REOPENED if reopening else EventKind.STATUS, frontline, source, target, "why",
    )  # fmt: skip


def test_an_unknown_status_is_refused(complaint, frontline):
    with pytest.raises(ValidationError) as refused:
        services.case_transition(actor=frontline, case=complaint, to="lost")
    assert refused.value.message_dict == {"to": ["Unknown status."]}


def test_the_refusal_names_both_statuses(complaint, frontline):
    with pytest.raises(ValidationError) as refused:
        services.case_transition(actor=frontline, case=complaint, to="closed")
    assert refused.value.message_dict == {"to": ["A case cannot go from “New” to “Closed”."]}


def test_resolving_at_first_contact(complaint, frontline):
    case = services.case_transition(actor=frontline, case=complaint, to="in_progress")
    case = services.case_transition(actor=frontline, case=case, to="resolved")

    assert case.first_contact_resolution is True
    assert case.resolved_at is not None
    assert case.closed_at is None


@pytest.mark.parametrize("detour", ["handoff", "waiting", "escalation", "someone_else"])
def test_a_detour_is_not_first_contact_resolution(complaint, frontline, teammate, manager, detour):
    resolver = frontline
    if detour == "handoff":
        services.case_handoff(actor=frontline, case=complaint, note="Vu avec le client",
                              to_employee=teammate)  # fmt: skip
        resolver = teammate
    elif detour == "waiting":
        services.case_transition(actor=frontline, case=complaint, to="waiting_customer")
    elif detour == "escalation":
        services.case_escalate(actor=frontline, case=complaint, reason="Client très mécontent")
    else:
        resolver = manager

    case = services.case_transition(actor=resolver, case=complaint, to="resolved")

    assert case.first_contact_resolution is False


def test_closing_is_refused_while_a_commitment_is_open(complaint, frontline):
    commitment = services.commitment_add(
        actor=frontline, case=complaint, text="Je vous rappelle jeudi",
        due_at=timezone.now() + dt.timedelta(days=2),
    )  # fmt: skip
    case = services.case_transition(actor=frontline, case=complaint, to="resolved")
    before = state(case)

    with pytest.raises(ValidationError) as refused:
        services.case_transition(actor=frontline, case=case, to="closed")

    assert refused.value.message_dict == {
        "to": ["A case cannot be closed while a commitment to the customer is open."]
    }
    assert state(case) == before

    services.commitment_done(actor=frontline, commitment=commitment)
    closed = services.case_transition(actor=frontline, case=case, to="closed")
    assert closed.status == "closed"
    assert closed.closed_at is not None


@pytest.mark.parametrize("from_status", ["resolved", "closed"])
def test_reopening_starts_over(complaint, frontline, from_status, monkeypatch):
    case = services.case_transition(actor=frontline, case=complaint, to="resolved")
    if from_status == "closed":
        case = services.case_transition(actor=frontline, case=case, to="closed")
    Case.objects.filter(pk=case.pk).update(
        reminded_before_due_at=timezone.now(), reminded_at_due_at=timezone.now()
    )
    reopened_at = paris(2025, 12, 1, 10)  # a Monday
    monkeypatch.setattr(timezone, "now", lambda: reopened_at)

    case = services.case_transition(actor=frontline, case=case, to="in_progress", note="Rappel")

    case.refresh_from_db()
    assert (case.status, case.resolved_at, case.closed_at, case.first_contact_resolution) == (
        "in_progress", None, None, None,
    )  # fmt: skip
    # A new due date from the reopening: complaint / normal, 18 business hours.
    assert case.due_at == paris(2025, 12, 3, 10)
    assert (case.reminded_before_due_at, case.reminded_at_due_at) == (None, None)
    event = case.events.order_by("-pk").first()
    assert (event.kind, event.from_status, event.to_status, event.note) == (
        "reopened", from_status, "in_progress", "Rappel",
    )  # fmt: skip
    # Resolved again: no longer at first contact.
    assert services.case_transition(actor=frontline, case=case, to="resolved")
    case.refresh_from_db()
    assert case.first_contact_resolution is False


def test_a_closed_case_takes_no_change_until_reopened(complaint, frontline, teammate):
    case = services.case_transition(actor=frontline, case=complaint, to="resolved")
    case = services.case_transition(actor=frontline, case=case, to="closed")
    before = state(case)
    closed_message = {"status": ["This case is closed: reopen it first."]}

    for attempt in (
        lambda: services.case_handoff(actor=frontline, case=case, note="n", to_employee=teammate),
        lambda: services.case_escalate(actor=frontline, case=case, reason="r"),
        lambda: services.case_set_next_step(actor=frontline, case=case, next_step="x"),
        lambda: services.commitment_add(
            actor=frontline, case=case, text="t", due_at=timezone.now() + dt.timedelta(days=1)
        ),
        lambda: services.decision_record(actor=frontline, case=case, kind="fee_waiver"),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.message_dict == closed_message
    assert state(case) == before

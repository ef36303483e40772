"""The `cases` and `case_events` imports: idempotent by external id, due dates from the SLA
policies, every reject named by record, field and reason."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from symetrie.cases.models import Case, CaseEvent
from symetrie.core.bulk import run_bulk
from tests.cases.conftest import paris

ROW = {
    "external_id": "CRM-1", "audience": "customer", "type": "complaint",
    "customer_external_id": "C-ELODIE", "raised_by_external_id": "E-FRONT",
    "unit_code": "AG-LIL", "owner_external_id": "E-FRONT", "subject": "Frais en double",
    "description": "Prélevés deux fois", "channel": "agence", "priority": "normal",
    "status": "in_progress", "opened_at": "2025-11-21T17:00", "closed_at": "",
}  # fmt: skip


@pytest.fixture
def people(frontline, teammate, elodie):
    return None


def counts(result):
    return {k: result[k] for k in ("created", "updated", "unchanged", "rejected")}


def rejects(result):
    return [(r["record"], r["key"], r["field"], r["reason"]) for r in result["rejects"]]


def test_cases_are_created_with_their_due_date_then_left_unchanged(people, org, elodie):
    rows = [
        ROW,
        {**ROW, "external_id": "CRM-2", "audience": "employé", "type": "irritant",
         "customer_external_id": "", "owner_external_id": "", "status": "résolu",
         "priority": "urgente", "closed_at": "24/11/2025 10:00", "process": "Scanner"},
    ]  # fmt: skip
    assert counts(run_bulk("cases", rows)) == {
        "created": 2, "updated": 0, "unchanged": 0, "rejected": 0,
    }  # fmt: skip
    first = Case.objects.get(external_id="CRM-1")
    assert (first.audience, first.type, first.customer, first.unit, first.owner.external_id) == (
        "customer", "complaint", elodie, org.lille, "E-FRONT",
    )  # fmt: skip
    assert (first.channel, first.status, first.opened_at, first.due_at) == (
        "branch", "in_progress", paris(2025, 11, 21, 17), paris(2025, 11, 25, 17),
    )  # fmt: skip
    assert (first.resolved_at, first.closed_at, first.next_step, first.process) == (
        None, None, "", "",
    )  # fmt: skip
    second = Case.objects.get(external_id="CRM-2")
    # irritant / urgent: 18 business hours.
    assert (second.audience, second.status, second.priority, second.due_at) == (
        "employee", "resolved", "urgent", paris(2025, 11, 25, 17),
    )  # fmt: skip
    assert (second.resolved_at, second.closed_at, second.owner, second.process) == (
        paris(2025, 11, 24, 10), None, None, "Scanner",
    )  # fmt: skip

    # The same records again: nothing changes.
    assert counts(run_bulk("cases", rows)) == {
        "created": 0, "updated": 0, "unchanged": 2, "rejected": 0,
    }  # fmt: skip
    # A change of priority moves the due date; a file without `process` keeps it.
    changed = [{**ROW, "priority": "high"}, {k: v for k, v in rows[1].items() if k != "process"}]
    assert counts(run_bulk("cases", changed)) == {
        "created": 0, "updated": 1, "unchanged": 1, "rejected": 0,
    }  # fmt: skip
    first.refresh_from_db()
    assert first.due_at == paris(2025, 11, 24, 17)  # complaint / high: 9 business hours
    assert Case.objects.get(external_id="CRM-2").process == "Scanner"


def test_a_re_import_keeps_what_was_done_in_symetrie(people):
    run_bulk("cases", [ROW])
    Case.objects.filter(external_id="CRM-1").update(next_step="Rappeler")
    run_bulk("cases", [{**ROW, "subject": "Frais en double (2)"}])
    case = Case.objects.get(external_id="CRM-1")
    assert (case.subject, case.next_step) == ("Frais en double (2)", "Rappeler")


def test_rejected_cases_are_named_with_their_field(people):
    with translation.override("en"):
        result = run_bulk(
            "cases",
            [
                {**ROW, "external_id": "R-0", "unit_code": "NOPE"},
                {**ROW, "external_id": "R-1", "customer_external_id": "C-NOBODY"},
                {**ROW, "external_id": "R-2", "owner_external_id": "E-NOBODY"},
                {**ROW, "external_id": "R-3", "type": "irritant"},
                {**ROW, "external_id": "R-4", "customer_external_id": ""},
                {**ROW, "external_id": "R-5", "closed_at": "2025-11-24T10:00"},
                {**ROW, "external_id": "R-6", "status": "closed", "closed_at": "2025-11-20"},
                {**ROW, "external_id": "R-7", "priority": "asap"},
                {**ROW, "external_id": "R-8", "opened_at": "hier"},
                {**ROW, "external_id": "R-9", "subject": ""},
                {**ROW, "external_id": "R-10", "audience": "partner"},
                ROW,
            ],
        )
    assert counts(result) == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 11}
    assert rejects(result) == [
        (0, "R-0", "unit_code", "unknown unit “NOPE”"),
        (1, "R-1", "customer_external_id", "unknown customer “C-NOBODY”"),
        (2, "R-2", "owner_external_id", "unknown employee “E-NOBODY”"),
        (3, "R-3", "type",
         "“irritant” is not a type of customer case (use complaint, information, request)"),
        (4, "R-4", "customer_external_id", "is required for a customer case"),
        (5, "R-5", "closed_at", "is set but the case is still open"),
        (6, "R-6", "closed_at", "is before opened_at"),
        (7, "R-7", "priority", "“asap” is not one of: high, low, normal, urgent"),
        (8, "R-8", "opened_at",
         "“hier” is not a date and time (use YYYY-MM-DDTHH:MM or DD/MM/YYYY HH:MM)"),
        (9, "R-9", "subject", "is required"),
        (10, "R-10", "audience", "“partner” is not one of: customer, employee"),
    ]  # fmt: skip
    assert list(Case.objects.values_list("external_id", flat=True)) == ["CRM-1"]


EVENT = {
    "external_id": "EV-1", "case_external_id": "CRM-1", "kind": "status",
    "at": "2025-11-21T17:30", "actor_external_id": "E-FRONT", "from_status": "new",
    "to_status": "en cours", "note": "Pris en charge",
}  # fmt: skip


def test_case_events_are_idempotent_by_external_id(people, frontline):
    run_bulk("cases", [ROW])
    rows = [EVENT, {**EVENT, "external_id": "EV-2", "kind": "note", "from_status": "",
                    "to_status": "", "note": "Appel", "actor_external_id": ""}]  # fmt: skip
    assert counts(run_bulk("case_events", rows)) == {
        "created": 2, "updated": 0, "unchanged": 0, "rejected": 0,
    }  # fmt: skip
    assert counts(run_bulk("case_events", rows)) == {
        "created": 0, "updated": 0, "unchanged": 2, "rejected": 0,
    }  # fmt: skip
    events = list(CaseEvent.objects.order_by("external_id"))
    assert [
        (e.external_id, e.case.external_id, e.kind, e.at, e.actor, e.from_status, e.to_status,
         e.note, e.data)
        for e in events
    ] == [
        ("EV-1", "CRM-1", "status", paris(2025, 11, 21, 17, 30), frontline, "new",
         "in_progress", "Pris en charge", {}),
        ("EV-2", "CRM-1", "note", paris(2025, 11, 21, 17, 30), None, "", "", "Appel", {}),
    ]  # fmt: skip
    assert counts(run_bulk("case_events", [{**EVENT, "note": "Pris en charge (bis)"}])) == {
        "created": 0, "updated": 1, "unchanged": 0, "rejected": 0,
    }  # fmt: skip


def test_rejected_events_are_named_with_their_field(people):
    run_bulk("cases", [ROW])
    with translation.override("en"):
        result = run_bulk(
            "case_events",
            [
                {**EVENT, "external_id": "X-0", "case_external_id": "CRM-404"},
                {**EVENT, "external_id": "X-1", "kind": "party"},
                {**EVENT, "external_id": "X-2", "to_status": ""},
                {**EVENT, "external_id": "X-3", "actor_external_id": "E-NOBODY"},
            ],
        )
    assert rejects(result) == [
        (0, "X-0", "case_external_id", "unknown case “CRM-404”"),
        (1, "X-1", "kind", "“party” is not one of: assigned, commitment_added, commitment_done, "
         "created, decision, escalated, escalation_decided, friction, handoff, next_step, note, "
         "reminder, reopened, status"),
        (2, "X-2", "to_status", "is required for a change of status"),
        (3, "X-3", "actor_external_id", "unknown employee “E-NOBODY”"),
    ]  # fmt: skip
    assert CaseEvent.objects.count() == 0


def test_a_csv_file_through_symetrie_import(people, tmp_path: Path):
    path = tmp_path / "cases.csv"
    header = ";".join(ROW)
    path.write_text(header + "\n" + ";".join(ROW.values()) + "\n", encoding="utf-8")
    out = io.StringIO()
    with translation.override("en"):
        call_command("import", "cases", str(path), "--no-progress", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == (
        "created 1, updated 0, unchanged 0, rejected 0"
    )
    assert Case.objects.get().external_id == "CRM-1"

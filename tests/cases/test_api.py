"""The cases API: exact JSON, filters, pagination, every action calling the services, errors
naming the field, 404 outside the caller's view on every case endpoint, bulk upserts."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from symetrie.cases import services
from symetrie.cases.models import Case, Escalation
from tests.cases.conftest import OPENED, paris, state
from tests.conftest import client_for


def english(client: Client) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def felix(frontline) -> Client:
    return english(client_for(frontline))


def test_a_case_as_json(complaint, felix, teammate):
    services.friction_flag(actor=teammate, process="Scanner", case=complaint)
    response = felix.get(f"/api/cases/{complaint.external_id}")
    assert response.status_code == 200
    assert response.json() == {
        "external_id": complaint.external_id,
        "audience": "customer",
        "type": "complaint",
        "subject": "Frais prélevés deux fois",
        "description": "",
        "channel": "branch",
        "customer_external_id": "C-ELODIE",
        "raised_by_external_id": "E-FRONT",
        "unit_code": "AG-LIL",
        "owner_external_id": "E-FRONT",
        "priority": "normal",
        "status": "new",
        "process": "",
        "related_case_external_id": None,
        "next_step": "",
        "opened_at": "2025-11-21T16:00:00Z",
        "due_at": "2025-11-25T16:00:00Z",
        "resolved_at": None,
        "closed_at": None,
        "first_contact_resolution": None,
        "overdue": True,
    }


def test_the_list_filters_and_pages(
    complaint, frontline, manager, elodie, django_assert_num_queries
):
    services.case_transition(actor=frontline, case=complaint, to="resolved")
    for n in range(3):
        services.case_open(actor=frontline, audience="customer", type="request",
                           subject=f"Demande {n}", customer=elodie)  # fmt: skip
    services.case_open(actor=frontline, audience="employee", type="internal_request",
                       subject="Badge")  # fmt: skip
    client = client_for(manager)

    def subjects(query: str) -> list[str]:
        response = client.get(f"/api/cases?{query}")
        assert response.status_code == 200, response.content
        return [item["subject"] for item in response.json()["items"]]

    assert subjects("") == ["Badge", "Demande 2", "Demande 1", "Demande 0",
                            "Frais prélevés deux fois"]  # fmt: skip
    assert subjects("status=resolved") == ["Frais prélevés deux fois"]
    assert subjects("status=new,resolved&type=complaint") == ["Frais prélevés deux fois"]
    assert subjects("audience=employee") == ["Badge"]
    assert subjects("owner=none") == ["Badge"]
    assert subjects("owner=E-FRONT&type=request&limit=2") == ["Demande 2", "Demande 1"]
    assert subjects("owner=E-FRONT&type=request&limit=2&offset=2") == ["Demande 0"]
    assert subjects("unit=AG-LIL&customer=C-ELODIE&overdue=false&type=request") == [
        "Demande 2", "Demande 1", "Demande 0",
    ]  # fmt: skip
    assert subjects("under=AG-LIL&overdue=true") == []
    assert client.get("/api/cases?limit=1").json()["count"] == 5
    assert client.get("/api/cases?under=R-N").status_code == 404  # above Mona's scope
    assert client_for(frontline).get("/api/cases?under=T-LIL").status_code == 404

    with django_assert_num_queries(5):  # session, user, employee, count, page
        client.get("/api/cases?limit=50")


def test_the_timeline(complaint, felix):
    services.case_note(actor=complaint.owner, case=complaint, note="Client rappelé")
    response = felix.get(f"/api/cases/{complaint.external_id}/events")
    assert [(e["kind"], e["actor_external_id"], e["note"]) for e in response.json()] == [
        ("created", "E-FRONT", ""),
        ("note", "E-FRONT", "Client rappelé"),
    ]


def test_opening_a_case(felix, elodie, org):
    response = post(felix, "/api/cases", {
        "audience": "customer", "type": "request", "subject": "Nouvelle carte",
        "customer_external_id": "C-ELODIE", "priority": "high",
    })  # fmt: skip
    assert response.status_code == 200, response.content
    case = Case.objects.get(external_id=response.json()["external_id"])
    assert (case.customer, case.unit, case.priority, case.owner.external_id) == (
        elodie, org.lille, "high", "E-FRONT",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"customer_external_id": "C-MARIUS"},
         [{"field": "customer_external_id", "message": "unknown customer “C-MARIUS”"}]),
        ({"unit_code": "AG-MAR"}, [{"field": "unit_code", "message": "unknown unit “AG-MAR”"}]),
        ({"type": "irritant"},
         [{"field": "type", "message": "This type of case is not for this audience."}]),
    ],
)  # fmt: skip
def test_opening_a_case_names_the_field_at_fault(felix, elodie, marius, body, errors):
    base = {"audience": "customer", "type": "request", "subject": "S",
            "customer_external_id": "C-ELODIE"}  # fmt: skip
    response = post(felix, "/api/cases", {**base, **body})
    assert response.status_code == 422
    assert response.json() == {"detail": "refused", "errors": errors}
    assert Case.objects.count() == 0


def test_transitions(complaint, felix):
    url = f"/api/cases/{complaint.external_id}/transitions"
    before = state(complaint)
    response = post(felix, url, {"to": "closed"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "refused",
        "errors": [{"field": "to", "message": "A case cannot go from “New” to “Closed”."}],
    }
    assert state(complaint) == before
    response = post(felix, url, {"to": "resolved", "note": "Remboursé"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["first_contact_resolution"]) == (
        "resolved", True,
    )  # fmt: skip


def test_commitments(complaint, felix):
    base = f"/api/cases/{complaint.external_id}/commitments"
    response = post(felix, base, {"text": "Rappel jeudi", "due_at": "2030-01-03T10:00:00+01:00"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["text"], body["due_at"], body["made_by_external_id"], body["done_at"]) == (
        "Rappel jeudi", "2030-01-03T10:00:00+01:00", "E-FRONT", None,
    )  # fmt: skip
    response = post(felix, base, {"text": "Trop tard", "due_at": "2020-01-03T10:00:00+01:00"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "due_at", "message": "A commitment is due in the future."}
    ]
    done = post(felix, f"{base}/{body['id']}/done", {})
    assert done.status_code == 200
    assert done.json()["done_at"] is not None
    assert [c["text"] for c in felix.get(base).json()] == ["Rappel jeudi"]
    assert post(felix, f"{base}/999999/done", {}).status_code == 404


def test_decisions_within_and_beyond_latitude(complaint, felix, manager):
    url = f"/api/cases/{complaint.external_id}/decisions"
    within = post(felix, url, {"kind": "goodwill", "amount_eur": "50"})
    assert within.status_code == 200
    assert {k: within.json()[k] for k in ("status", "within_latitude", "escalation_id")} == {
        "status": "done", "within_latitude": True, "escalation_id": None,
    }  # fmt: skip
    beyond = post(felix, url, {"kind": "goodwill", "amount_eur": "50.01", "note": "Fidèle"})
    escalation = Escalation.objects.get()
    assert {k: beyond.json()[k] for k in ("status", "within_latitude", "escalation_id")} == {
        "status": "escalated", "within_latitude": False, "escalation_id": escalation.pk,
    }  # fmt: skip
    listed = felix.get(url).json()
    assert [(d["amount_eur"], d["status"], d["escalation_id"]) for d in listed] == [
        ("50.00", "done", None), ("50.01", "escalated", escalation.pk),
    ]  # fmt: skip


def test_escalations_are_decided_by_their_addressee_only(
    complaint, frontline, manager, regional, stranger
):
    services.decision_record(actor=frontline, case=complaint, kind="goodwill",
                             amount_eur=Decimal("80"))  # fmt: skip
    escalation = Escalation.objects.get()
    mona = english(client_for(manager))
    inbox = mona.get("/api/escalations").json()["items"]
    assert [(e["id"], e["case_external_id"], e["to_external_id"]) for e in inbox] == [
        (escalation.pk, complaint.external_id, "E-MGR")
    ]
    url = f"/api/escalations/{escalation.pk}/decision"
    assert post(english(client_for(regional)), url, {"approve": True}).status_code == 403
    assert post(english(client_for(stranger)), url, {"approve": True}).status_code == 404
    escalation.refresh_from_db()
    assert escalation.status == "pending"
    refused = post(mona, url, {"approve": False})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "answer", "message": "Say why you refuse."}]
    approved = post(mona, url, {"approve": True, "answer": "D'accord"})
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["decided_by_external_id"]) == (
        "approved", "E-MGR",
    )  # fmt: skip
    assert mona.get("/api/escalations").json()["items"] == []


def test_handoff_assign_escalate_note_next_step_friction(complaint, felix, stranger, manager):
    ref = complaint.external_id
    missing = post(
        felix, f"/api/cases/{ref}/handoffs", {"note": "", "to_employee_external_id": "E-SUD"}
    )
    assert missing.json()["errors"] == [
        {"field": "note",
         "message": "A handoff needs a context note: what the next person must know."}
    ]  # fmt: skip
    unknown = post(felix, f"/api/cases/{ref}/handoffs", {"note": "n", "to_unit_code": "NOPE"})
    assert unknown.json()["errors"] == [{"field": "to_unit_code", "message": "unknown unit “NOPE”"}]

    assert (
        post(felix, f"/api/cases/{ref}/next_step", {"next_step": "Rappeler"}).json()["next_step"]
        == "Rappeler"
    )
    assert post(felix, f"/api/cases/{ref}/notes", {"note": "Vu"}).json()["kind"] == "note"
    escalated = post(felix, f"/api/cases/{ref}/escalations", {"reason": "Client VIP"})
    assert (escalated.json()["reason"], escalated.json()["to_external_id"]) == (
        "Client VIP", "E-MGR",
    )  # fmt: skip
    assert [e["reason"] for e in felix.get(f"/api/cases/{ref}/escalations").json()] == [
        "Client VIP"
    ]
    irritant = post(felix, f"/api/cases/{ref}/friction", {"process": "Outil GED"}).json()
    assert (irritant["type"], irritant["process"], irritant["related_case_external_id"]) == (
        "irritant", "Outil GED", ref,
    )  # fmt: skip
    assign = post(felix, f"/api/cases/{irritant['external_id']}/assign",
                  {"owner_external_id": "E-FRONT"})  # fmt: skip
    assert assign.json()["owner_external_id"] == "E-FRONT"
    handed = post(
        felix, f"/api/cases/{ref}/handoffs",
        {"note": "Client parti à Marseille", "to_employee_external_id": "E-SUD"},
    )  # fmt: skip
    assert (handed.json()["owner_external_id"], handed.json()["unit_code"]) == ("E-SUD", "AG-MAR")


def test_latitude_and_report(complaint, felix, manager):
    latitude = felix.get("/api/latitude").json()
    assert latitude == {
        "role": "Conseiller",
        "goodwill_max_eur": "50.00",
        "may_waive_fees": False,
        "decisions": ["report"],
        "escalates_to_external_id": "E-MGR",
        "lines": [
            "You may grant up to 50 € alone.",
            "Fee waivers go to your manager.",
            "You may also decide alone: report.",
            "Beyond that, Mona Manager decides.",
        ],
    }
    report = client_for(manager).get("/api/cases/report").json()["items"]
    assert [(r["external_id"], r["is_unowned"], r["lacks_next_step"], r["is_past_due"])
            for r in report] == [(complaint.external_id, False, True, True)]  # fmt: skip


CASE_ENDPOINTS = [
    ("get", ""), ("get", "/events"), ("get", "/commitments"), ("get", "/decisions"),
    ("get", "/escalations"),
    ("post", "/transitions", {"to": "in_progress"}),
    ("post", "/assign", {"owner_external_id": "E-SUD"}),
    ("post", "/handoffs", {"note": "n", "to_employee_external_id": "E-SUD"}),
    ("post", "/escalations", {"reason": "r"}),
    ("post", "/commitments", {"text": "t", "due_at": "2030-01-01T10:00:00Z"}),
    ("post", "/decisions", {"kind": "fee_waiver"}),
    ("post", "/notes", {"note": "n"}),
    ("post", "/next_step", {"next_step": "n"}),
    ("post", "/friction", {"process": "p"}),
]  # fmt: skip


@pytest.mark.parametrize("endpoint", CASE_ENDPOINTS, ids=lambda e: f"{e[0]} {e[1] or '/'}")
@pytest.mark.parametrize(
    ("who", "code"),
    [("stranger", 404), ("outsider", 404), ("departed", 401)],  # a leaver's login is inactive
)
def test_every_case_endpoint_answers_404_outside_the_caller_s_view(
    request, complaint, frontline, manager, endpoint, who, code
):
    commitment = services.commitment_add(actor=frontline, case=complaint, text="t",
                                         due_at=paris(2030, 1, 1, 9))  # fmt: skip
    client = client_for(request.getfixturevalue(who))
    before = state(complaint)
    method, suffix, *body = endpoint
    url = f"/api/cases/{complaint.external_id}{suffix}"
    response = client.get(url) if method == "get" else post(client, url, body[0])
    assert response.status_code == code
    assert post(client, f"/api/cases/{complaint.external_id}/commitments/{commitment.pk}/done",
                {}).status_code == code  # fmt: skip
    assert state(complaint) == before
    listed = client.get("/api/cases")
    assert listed.status_code == 401 if code == 401 else listed.json()["items"] == []


@pytest.mark.parametrize("endpoint", CASE_ENDPOINTS, ids=lambda e: f"{e[0]} {e[1] or '/'}")
def test_every_case_endpoint_needs_a_login(complaint, endpoint):
    method, suffix, *body = endpoint
    url = f"/api/cases/{complaint.external_id}{suffix}"
    response = Client().get(url) if method == "get" else post(Client(), url, body[0])
    assert response.status_code == 401


def test_a_case_of_the_subtree_is_open_to_the_manager_above(complaint, regional):
    client = client_for(regional)
    assert client.get(f"/api/cases/{complaint.external_id}").status_code == 200
    response = post(client, f"/api/cases/{complaint.external_id}/notes", {"note": "Vu"})
    assert response.status_code == 200


ROW = {
    "external_id": "CRM-1", "audience": "customer", "type": "complaint",
    "customer_external_id": "C-ELODIE", "unit_code": "AG-LIL", "subject": "Frais",
    "opened_at": "2025-11-21T17:00",
}  # fmt: skip


def test_bulk_endpoints_need_an_org_wide_user_with_the_permission(lead, manager, elodie):
    for client in (client_for(manager), client_for(lead)):
        assert post(client, "/api/cases/bulk", [ROW]).status_code == 403
    lead.user.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_case", "change_caseevent"])
    )
    client = english(client_for(lead))
    response = post(client, "/api/cases/bulk", [ROW, {**ROW, "external_id": "CRM-2",
                                                         "unit_code": "NOPE"}])  # fmt: skip
    assert response.status_code == 200
    assert response.json() == {
        "created": 1, "updated": 0, "unchanged": 0, "rejected": 1,
        "rejects": [{"record": 1, "key": "CRM-2", "field": "unit_code",
                     "reason": "unknown unit “NOPE”"}],
    }  # fmt: skip
    events = [{"external_id": "EV-1", "case_external_id": "CRM-1", "kind": "note",
               "at": "2025-11-21T18:00", "note": "Importé"}]  # fmt: skip
    assert post(client, "/api/case_events/bulk", events).json()["created"] == 1
    assert Case.objects.get().opened_at == OPENED


def test_openapi_lists_the_case_endpoints(db):
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert {path: sorted(methods) for path, methods in paths.items() if "case" in path
            or "escalation" in path or "latitude" in path} == {
        "/api/cases": ["get", "post"],
        "/api/cases/bulk": ["post"],
        "/api/case_events/bulk": ["post"],
        "/api/cases/report": ["get"],
        "/api/latitude": ["get"],
        "/api/escalations": ["get"],
        "/api/escalations/{escalation_id}/decision": ["post"],
        "/api/cases/{external_id}": ["get"],
        "/api/cases/{external_id}/events": ["get"],
        "/api/cases/{external_id}/transitions": ["post"],
        "/api/cases/{external_id}/assign": ["post"],
        "/api/cases/{external_id}/handoffs": ["post"],
        "/api/cases/{external_id}/escalations": ["get", "post"],
        "/api/cases/{external_id}/commitments": ["get", "post"],
        "/api/cases/{external_id}/commitments/{commitment_id}/done": ["post"],
        "/api/cases/{external_id}/decisions": ["get", "post"],
        "/api/cases/{external_id}/notes": ["post"],
        "/api/cases/{external_id}/next_step": ["post"],
        "/api/cases/{external_id}/friction": ["post"],
    }  # fmt: skip
    params = [p["name"] for p in paths["/api/cases"]["get"]["parameters"]]
    assert params == ["status", "type", "audience", "unit", "under", "owner", "customer",
                      "overdue", "limit", "offset"]  # fmt: skip

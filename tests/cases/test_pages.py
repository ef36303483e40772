"""The case pages: who may open what (404 outside scope), each action through its form and its
htmx part, refused forms that change nothing, and lists that cost the same however long."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from symetrie.cases import services
from symetrie.cases.models import Case, Commitment, Decision, Escalation
from symetrie.customers.models import Customer
from symetrie.org.models import Employee
from tests.cases.conftest import state
from tests.conftest import Org, client_for

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def pages_in_english(settings):
    """Pages (and Django's own form messages) in English, the source language."""
    settings.LANGUAGE_CODE = "en"


def _url(case: Case, suffix: str = "") -> str:
    return f"/cases/{case.pk}/{suffix}"


def _local(moment: dt.datetime) -> str:
    """A moment as a datetime-local field sends it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _text(response) -> str:
    """The page as text to search in (non-breaking spaces as plain ones)."""
    return response.content.decode().replace("\u00a0", " ")


@pytest.fixture
def south_case(stranger: Employee, marius: Customer) -> Case:
    return services.case_open(
        actor=stranger, audience="customer", type="request", subject="Chéquier", customer=marius
    )


# ---------------------------------------------------------------- access


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("frontline", 200),  # opened it, owns it
        ("teammate", 200),  # serves the agency's customers
        ("manager", 200),
        ("regional", 200),
        ("lead", 200),
        ("stranger", 404),  # another region
        ("outsider", 404),  # no employee record
    ],
)
def test_the_case_page_follows_the_org_tree(request, complaint, persona, status):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(_url(complaint)).status_code == status


def test_a_departed_employee_is_sent_back_to_the_login_page(departed, complaint):
    response = client_for(departed).get(_url(complaint))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("suffix", "data"),
    [
        ("status/", {"to": "in_progress"}),
        ("next-step/", {"next_step": "Appeler"}),
        ("commitments/", {"text": "Rappel", "due_at": "2031-01-02T10:00"}),
        ("handoff/", {"note": "Pour vous", "to_unit": ""}),
        ("escalate/", {"reason": "Hors délégation"}),
        ("decisions/", {"kind": "goodwill", "amount_eur": "10"}),
        ("friction/", {"process": "Outil crédit"}),
        ("status-link/", {}),
    ],
)
def test_no_action_on_a_case_outside_scope(frontline, south_case, suffix, data):
    before = state(south_case)

    response = client_for(frontline).post(_url(south_case, suffix), data)

    assert response.status_code == 404
    assert state(south_case) == before
    assert Case.objects.count() == 1


def test_no_commitment_kept_through_another_case(frontline, complaint, south_case, stranger):
    theirs = services.commitment_add(
        actor=stranger, case=south_case, text="Rappel", due_at=timezone.now() + dt.timedelta(days=1)
    )

    mine = client_for(frontline).post(_url(complaint, f"commitments/{theirs.pk}/done/"))
    direct = client_for(frontline).post(_url(south_case, f"commitments/{theirs.pk}/done/"))

    assert (mine.status_code, direct.status_code) == (404, 404)
    theirs.refresh_from_db()
    assert theirs.done_at is None


def test_an_admin_with_no_employee_record_reads_but_does_not_act(complaint, django_user_model):
    admin = django_user_model.objects.create_superuser("root@example.fr", "root@example.fr", "x")
    client = client_for(admin)
    before = state(complaint)

    page = client.get(_url(complaint))
    refused = client.post(_url(complaint, "escalate/"), {"reason": "Test"})

    assert page.status_code == 200
    assert f'action="/cases/{complaint.pk}/escalate/"' not in page.content.decode()
    assert refused.status_code == 404
    assert state(complaint) == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [("frontline", 404), ("teammate", 404), ("manager", 200), ("regional", 200), ("lead", 200)],
)
def test_the_follow_through_report_is_for_managers_and_leads(request, org, persona, status):
    assert client_for(request.getfixturevalue(persona)).get("/cases/report/").status_code == status


def test_a_report_or_queue_of_a_unit_outside_scope_is_a_404(manager, frontline):
    assert client_for(manager).get("/cases/report/", {"unit": "AG-MAR"}).status_code == 404
    assert client_for(frontline).get("/cases/overdue/", {"unit": "AG-MAR"}).status_code == 404
    assert client_for(frontline).get("/cases/overdue/", {"unit": "AG-LIL"}).status_code == 200


@pytest.mark.parametrize(
    "url", ["/cases/", "/cases/overdue/", "/cases/irritants/", "/cases/escalations/"]
)
def test_lists_are_for_employees(outsider, frontline, url):
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(frontline).get(url).status_code == 200


# ---------------------------------------------------------------- the case page


def test_the_case_page_shows_latitude_transitions_and_an_overdue_due_date(
    frontline, manager, complaint
):
    page = _text(client_for(frontline).get(_url(complaint)))

    assert "<h1>Frais prélevés deux fois</h1>" in page
    assert "<strong>You may grant up to 50 € alone.</strong>" in page
    assert "<li>Beyond that, Mona Manager decides.</li>" in page
    # Opened on 21 November 2025: long past due.
    assert 'class="panel case-summary is-overdue"' in page
    assert "overdue by" in page
    buttons = re.findall(r'<button type="submit" name="to" value="(\w+)"', page)
    assert buttons == ["resolved", "in_progress", "waiting_customer", "waiting_team"]
    assert 'href="/playbooks/contestation-frais/"' in page


def test_the_events_part_alone(frontline, complaint):
    response = client_for(frontline).get(_url(complaint), {"part": "events"}, **HX)

    html = response.content.decode()
    assert html.strip().startswith('<ol id="case-events" class="timeline">')
    assert html.count('<li class="event') == 1


def test_a_status_button_moves_the_case_and_reloads_the_page(frontline, complaint):
    client = client_for(frontline)

    plain = client.post(_url(complaint, "status/"), {"to": "in_progress"})
    part = client.post(_url(complaint, "status/"), {"to": "waiting_customer"}, **HX)

    assert plain.status_code == 302
    assert plain["Location"] == _url(complaint)
    assert part["HX-Redirect"] == _url(complaint)
    complaint.refresh_from_db()
    assert complaint.status == "waiting_customer"


def test_a_move_the_state_machine_refuses_changes_nothing(frontline, complaint):
    before = state(complaint)

    response = client_for(frontline).post(_url(complaint, "status/"), {"to": "closed"}, **HX)

    assert response.status_code == 200
    assert "A case cannot go from “New” to “Closed”." in response.content.decode()
    assert state(complaint) == before


def test_the_next_step_part(frontline, complaint):
    response = client_for(frontline).post(
        _url(complaint, "next-step/"), {"next_step": "Appeler le service cartes"}, **HX
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="case-summary"')
    assert 'value="Appeler le service cartes"' in html
    assert '<ol id="case-events" class="timeline" hx-swap-oob="true">' in html
    assert '<div id="case-toast" hx-swap-oob="innerHTML">Next step saved.</div>' in html
    complaint.refresh_from_db()
    assert complaint.next_step == "Appeler le service cartes"


# ---------------------------------------------------------------- commitments


def test_a_commitment_is_added_and_kept_through_its_part(frontline, complaint):
    client = client_for(frontline)
    due = timezone.now() + dt.timedelta(days=2)

    added = client.post(
        _url(complaint, "commitments/"), {"text": "Je vous rappelle jeudi", "due_at": _local(due)},
        **HX,
    )  # fmt: skip
    commitment = Commitment.objects.get()
    kept = client.post(_url(complaint, f"commitments/{commitment.pk}/done/"), **HX)

    html = added.content.decode()
    assert html.lstrip().startswith('<section id="commitments"')
    assert "Je vous rappelle jeudi" in html
    assert '<section id="case-summary"' in html and 'hx-swap-oob="true"' in html
    assert (commitment.text, commitment.made_by) == ("Je vous rappelle jeudi", frontline)
    assert commitment.due_at == due.replace(second=0, microsecond=0)
    assert "kept on" in kept.content.decode()
    commitment.refresh_from_db()
    assert commitment.done_at is not None


def test_a_commitment_in_the_past_is_refused(frontline, complaint):
    before = state(complaint)
    past = timezone.now() - dt.timedelta(hours=1)

    response = client_for(frontline).post(
        _url(complaint, "commitments/"), {"text": "Rappel", "due_at": _local(past)}, **HX
    )

    assert "A commitment is due in the future." in response.content.decode()
    assert state(complaint) == before


# ---------------------------------------------------------------- handoff and escalation


def test_a_handoff_without_a_note_is_refused_and_changes_nothing(frontline, complaint, teammate):
    before = state(complaint)

    response = client_for(frontline).post(
        _url(complaint, "handoff/"), {"to_employee": teammate.pk, "note": "  "}, **HX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="handoff"')
    assert "A handoff needs a context note: what the next person must know." in html
    assert state(complaint) == before


def test_a_handoff_names_someone_or_a_team(frontline, complaint):
    before = state(complaint)

    response = client_for(frontline).post(_url(complaint, "handoff/"), {"note": "Pour vous"}, **HX)

    assert "Hand the case to a colleague or to a team." in response.content.decode()
    assert state(complaint) == before


def test_a_handoff_to_a_team_out_of_reach_is_refused(frontline, complaint, org: Org):
    before = state(complaint)

    response = client_for(frontline).post(
        _url(complaint, "handoff/"), {"to_unit": org.marseille.pk, "note": "Pour vous"}, **HX
    )

    assert "Select a valid choice." in response.content.decode()
    assert state(complaint) == before


def test_a_handoff_to_another_team_with_a_note(frontline, complaint, org: Org):
    page = client_for(frontline).get(_url(complaint)).content.decode()
    offered = re.findall(r'<option value="(\d+)">([^<]+)</option>', page)
    assert (str(org.rouen.pk), "Agence Rouen") in offered
    assert str(org.marseille.pk) not in [pk for pk, _name in offered]

    response = client_for(frontline).post(
        _url(complaint, "handoff/"),
        {"to_unit": org.rouen.pk, "note": "Cliente de passage à Rouen, elle attend l'appel."},
        **HX,
    )

    # Still visible to Félix (his customer): back to the case page.
    assert response["HX-Redirect"] == _url(complaint)
    complaint.refresh_from_db()
    assert (complaint.unit, complaint.owner) == (org.rouen, None)
    event = complaint.events.get(kind="handoff")
    assert event.note == "Cliente de passage à Rouen, elle attend l'appel."


def test_a_handoff_out_of_the_user_s_view_lands_on_my_cases(teammate, org: Org, frontline):
    case = services.case_open(
        actor=frontline, audience="employee", type="internal_request", subject="Badge",
        owner=teammate,
    )  # fmt: skip

    response = client_for(teammate).post(
        _url(case, "handoff/"), {"to_unit": org.siege.pk, "note": "Pour le siège"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/cases/"


def test_an_escalation_needs_a_reason(frontline, complaint):
    before = state(complaint)

    response = client_for(frontline).post(_url(complaint, "escalate/"), {"reason": ""}, **HX)

    assert "an escalation needs a reason" in response.content.decode()
    assert state(complaint) == before


def test_an_escalation_goes_to_the_manager_with_its_reason(frontline, complaint, manager):
    response = client_for(frontline).post(
        _url(complaint, "escalate/"), {"reason": "Cliente très mécontente"}, **HX
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="escalation"')
    assert "to Mona Manager" in html
    escalation = Escalation.objects.get()
    assert (escalation.to, escalation.reason, escalation.status) == (
        manager, "Cliente très mécontente", "pending",
    )  # fmt: skip


# ---------------------------------------------------------------- decisions


def test_a_gesture_within_latitude_is_done_at_once(frontline, complaint):
    response = client_for(frontline).post(
        _url(complaint, "decisions/"), {"kind": "goodwill", "amount_eur": "50"}, **HX
    )

    html = _text(response)
    assert html.lstrip().startswith('<section id="decisions"')
    assert "Done: within your latitude, nobody else needs to approve it." in html
    decision = Decision.objects.get()
    assert (decision.amount_eur, decision.within_latitude, decision.status) == (
        Decimal("50.00"), True, "done",
    )  # fmt: skip
    assert not Escalation.objects.exists()


def test_a_gesture_beyond_latitude_goes_up_with_its_context(frontline, complaint, manager):
    response = client_for(frontline).post(
        _url(complaint, "decisions/"),
        {"kind": "goodwill", "amount_eur": "120", "note": "Cliente fidèle depuis 15 ans"},
        **HX,
    )

    assert "Beyond your latitude: sent to your manager" in response.content.decode()
    decision = Decision.objects.get()
    assert (decision.within_latitude, decision.status) == (False, "escalated")
    escalation = Escalation.objects.get()
    assert escalation.to == manager
    assert escalation.decision == decision
    assert "Cliente fidèle depuis 15 ans" in escalation.reason
    assert "Frais prélevés deux fois" in escalation.reason


def test_a_gesture_needs_its_amount(frontline, complaint):
    before = state(complaint)

    response = client_for(frontline).post(
        _url(complaint, "decisions/"), {"kind": "goodwill", "amount_eur": ""}, **HX
    )

    assert "Give the amount of the gesture." in response.content.decode()
    assert state(complaint) == before


# ---------------------------------------------------------------- friction and the status link


def test_the_friction_button_links_an_irritant_to_the_case(frontline, complaint):
    response = client_for(frontline).post(
        _url(complaint, "friction/"),
        {"process": "Outil de remboursement", "description": "Trois écrans pour un geste"},
        **HX,
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="friction"')
    assert "Irritant flagged: Outil de remboursement" in html
    irritant = Case.objects.get(type="irritant")
    assert (irritant.process, irritant.related_case, irritant.raised_by) == (
        "Outil de remboursement", complaint, frontline,
    )  # fmt: skip


def test_the_friction_button_needs_the_process(frontline, complaint):
    before = state(complaint)

    response = client_for(frontline).post(_url(complaint, "friction/"), {"process": " "}, **HX)

    assert "Name the process or tool that got in the way." in response.content.decode()
    assert state(complaint) == before
    assert Case.objects.count() == 1


def test_the_processes_already_named_are_offered(frontline, complaint, teammate):
    for actor, process in [(frontline, "Outil crédit"), (teammate, "Outil crédit")]:
        services.friction_flag(actor=actor, process=process)
    services.friction_flag(actor=frontline, process="Scanner")

    response = client_for(frontline).get("/cases/processes/", **HX)

    assert response.content.decode().strip() == (
        '<option value="Outil crédit"><option value="Scanner">'
    )


def test_the_employee_gets_the_customer_s_status_link(frontline, complaint):
    response = client_for(frontline).post(_url(complaint, "status-link/"), **HX)

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="status-link"')
    link = re.search(r'value="(http://testserver/status/[^"]+/)"', html)
    assert link is not None
    assert client_for(frontline).get(link.group(1)).status_code == 200


def test_an_irritant_has_no_status_link(frontline):
    irritant = services.friction_flag(actor=frontline, process="Scanner")

    assert client_for(frontline).post(_url(irritant, "status-link/")).status_code == 404


# ---------------------------------------------------------------- from the customer's screen


def test_the_customer_screen_shows_open_cases_and_commitments(frontline, complaint, elodie):
    services.commitment_add(
        actor=frontline, case=complaint, text="Remboursement sous 48 h",
        due_at=timezone.now() + dt.timedelta(days=2),
    )  # fmt: skip

    page = client_for(frontline).get(f"/workspace/customers/{elodie.pk}/").content.decode()

    assert f'href="/cases/{complaint.pk}/">Frais prélevés deux fois</a>' in page
    assert "Remboursement sous 48 h" in page
    assert "Cases and commitments are not tracked in Symétrie yet." not in page


def test_a_case_is_opened_from_the_customer_screen_in_one_step(frontline, elodie):
    response = client_for(frontline).post(
        f"/workspace/customers/{elodie.pk}/cases/",
        {"type": "request", "subject": "Nouveau chéquier", "channel": "branch",
         "priority": "normal", "description": ""},
        **HX,
    )  # fmt: skip

    html = response.content.decode()
    case = Case.objects.get()
    assert html.lstrip().startswith('<div id="customer-cases">')
    assert f'href="/cases/{case.pk}/">Nouveau chéquier</a>' in html
    assert "Case opened: Nouveau chéquier." in html
    assert (case.customer, case.owner, case.type, case.audience) == (
        elodie, frontline, "request", "customer",
    )  # fmt: skip


def test_a_case_without_a_subject_is_not_opened(frontline, elodie):
    response = client_for(frontline).post(
        f"/workspace/customers/{elodie.pk}/cases/", {"type": "request", "subject": ""}, **HX
    )

    assert "This field is required." in response.content.decode()
    assert not Case.objects.exists()


def test_no_case_for_a_customer_outside_scope(frontline, marius):
    response = client_for(frontline).post(
        f"/workspace/customers/{marius.pk}/cases/",
        {"type": "request", "subject": "Test", "channel": "branch", "priority": "normal"},
    )

    assert response.status_code == 404
    assert not Case.objects.exists()


def test_the_friction_button_of_the_customer_screen(frontline, elodie):
    response = client_for(frontline).post(
        f"/workspace/customers/{elodie.pk}/friction/", {"process": "Scanner de pièces"}, **HX
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="customer-friction"')
    assert "“Scanner de pièces” is recorded as an irritant" in html
    irritant = Case.objects.get()
    assert (irritant.type, irritant.process, irritant.customer) == (
        "irritant", "Scanner de pièces", elodie,
    )  # fmt: skip


def test_the_case_form_of_the_customer_screen_is_rendered_when_opened(
    frontline, elodie, django_assert_num_queries
):
    client = client_for(frontline)
    screen = client.get(f"/workspace/customers/{elodie.pk}/").content.decode()
    assert 'name="subject"' not in screen.split('id="customer-cases"')[1].split("</details>")[0]
    assert f'hx-get="/workspace/customers/{elodie.pk}/cases/form/"' in screen

    # session, user, employee (scope and actor), the customer
    with django_assert_num_queries(4):
        response = client.get(f"/workspace/customers/{elodie.pk}/cases/form/", **HX)

    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<form class="stack" method="post"')
    assert 'id="case-type"' in html and 'id="case-submit"' in html


def test_the_friction_form_of_the_customer_screen_comes_with_the_processes_named(frontline, elodie):
    services.friction_flag(actor=frontline, process="Scanner")
    client = client_for(frontline)
    screen = client.get(f"/workspace/customers/{elodie.pk}/").content.decode()
    assert f'hx-get="/workspace/customers/{elodie.pk}/friction/form/"' in screen

    response = client.get(f"/workspace/customers/{elodie.pk}/friction/form/", **HX)

    html = response.content.decode()
    assert html.lstrip().startswith('<form class="stack" method="post"')
    assert '<datalist id="customer-friction-processes"><option value="Scanner"></datalist>' in html


def test_without_javascript_the_customer_screen_forms_come_with_the_page(frontline, elodie):
    services.friction_flag(actor=frontline, process="Scanner")
    client = client_for(frontline)

    case = client.get(f"/workspace/customers/{elodie.pk}/", {"form": "case"}).content.decode()
    friction = client.get(f"/workspace/customers/{elodie.pk}/", {"form": "friction"})

    assert 'id="case-type"' in case and 'id="customer-friction-process"' not in case
    assert '<option value="Scanner">' in friction.content.decode()


def test_the_customer_screen_forms_are_not_rendered_out_of_scope(frontline, marius):
    client = client_for(frontline)
    for part in ("cases/form/", "friction/form/"):
        response = client.get(f"/workspace/customers/{marius.pk}/{part}", **HX)
        assert response.status_code == 404


# ---------------------------------------------------------------- escalations for a manager


def test_the_manager_approves_an_escalation_from_the_list(frontline, complaint, manager):
    services.decision_record(actor=frontline, case=complaint, kind="goodwill", amount_eur=120)
    escalation = Escalation.objects.get()
    client = client_for(manager)

    listed = client.get("/cases/escalations/").content.decode()
    response = client.post(
        f"/cases/escalations/{escalation.pk}/", {"approve": "1", "answer": "D'accord"}, **HX
    )

    assert "Frais prélevés deux fois" in listed
    assert "Goodwill gesture" in listed
    assert (
        response.content.decode()
        .lstrip()
        .startswith(f'<article class="panel escalation-card" id="escalation-{escalation.pk}"')
    )
    escalation.refresh_from_db()
    assert (escalation.status, escalation.decided_by, escalation.answer) == (
        "approved", manager, "D'accord",
    )  # fmt: skip
    assert Decision.objects.get().status == "approved"


def test_a_refusal_needs_an_answer(frontline, complaint, manager):
    escalation = services.case_escalate(actor=frontline, case=complaint, reason="Aide")

    response = client_for(manager).post(
        f"/cases/escalations/{escalation.pk}/", {"approve": "0", "answer": ""}, **HX
    )

    assert "Say why you refuse." in response.content.decode()
    escalation.refresh_from_db()
    assert escalation.status == "pending"


def test_only_the_manager_it_was_sent_to_decides(frontline, manager, complaint, teammate, stranger):
    escalation = services.case_escalate(actor=frontline, case=complaint, reason="Aide")

    colleague = client_for(teammate).post(f"/cases/escalations/{escalation.pk}/", {"approve": "1"})
    outside = client_for(stranger).post(f"/cases/escalations/{escalation.pk}/", {"approve": "1"})

    assert (colleague.status_code, outside.status_code) == (403, 404)
    escalation.refresh_from_db()
    assert escalation.status == "pending"


# ---------------------------------------------------------------- lists


def test_my_cases_lists_what_i_own_soonest_due_first(frontline, complaint, elodie):
    later = services.case_open(
        actor=frontline, audience="customer", type="information", subject="Horaires",
        customer=elodie,
    )  # fmt: skip

    page = client_for(frontline).get("/cases/").content.decode()

    subjects = re.findall(r'<a href="/cases/\d+/">([^<]+)</a>', page)
    assert subjects == ["Frais prélevés deux fois", later.subject]
    assert '<tr class="late">' in page


def test_the_report_flags_why_each_case_falls_through(frontline, complaint, manager, org: Org):
    unowned = services.case_open(
        actor=frontline, audience="employee", type="internal_request", subject="Badge"
    )

    response = client_for(manager).get("/cases/report/", **HX)

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="report-rows">')
    rows = re.findall(r'<a href="/cases/(\d+)/">', html)
    assert rows == [str(complaint.pk), str(unowned.pk)]
    assert html.count("no owner") == 1
    assert html.count("past due") == 1


def _cases(actor: Employee, customer: Customer, n: int) -> None:
    for number in range(n):
        case = services.case_open(
            actor=actor, audience="customer", type="complaint", subject=f"Dossier {number}",
            customer=customer, opened_at=timezone.now() - dt.timedelta(days=30),
        )  # fmt: skip
        services.commitment_add(
            actor=actor, case=case, text=f"Rappel {number}",
            due_at=timezone.now() + dt.timedelta(hours=1),
        )  # fmt: skip
        Commitment.objects.filter(case=case).update(due_at=timezone.now() - dt.timedelta(days=1))
        services.friction_flag(actor=actor, process=f"Outil {number}", case=case)
        services.decision_record(actor=actor, case=case, kind="goodwill", amount_eur=500)


@pytest.mark.parametrize(
    ("persona", "url", "queries"),
    [
        # session, user, employee (3); then the page's own reads.
        ("frontline", "/cases/", 7),  # count, cases, overdue cases, overdue commitments
        ("frontline", "/cases/overdue/", 5),  # overdue cases, overdue commitments
        ("frontline", "/cases/irritants/", 4),
        ("manager", "/cases/escalations/", 4),
        ("manager", "/cases/report/", 5),  # count, a page
    ],
)
def test_list_pages_cost_the_same_however_long(
    request, frontline, manager, elodie, persona, url, queries
):
    client = client_for(request.getfixturevalue(persona))
    counts = []
    for more in (1, 4):
        _cases(frontline, elodie, more)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts == [queries, queries], counts


def test_the_case_page_costs_the_same_however_much_happened(frontline, manager, complaint):
    client = client_for(frontline)
    counts = []
    for rounds in (0, 3):
        for number in range(rounds):
            services.commitment_add(
                actor=frontline, case=complaint, text=f"Rappel {number}",
                due_at=timezone.now() + dt.timedelta(days=1),
            )  # fmt: skip
            services.decision_record(
                actor=frontline, case=complaint, kind="goodwill", amount_eur=80
            )
            services.friction_flag(actor=frontline, process=f"Outil {number}", case=complaint)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(complaint)).status_code == 200
        counts.append(len(captured.captured_queries))
    # session, user, employee, case, commitments, the manager (latitude), decisions, playbooks,
    # handoff units and colleagues, escalations, irritants, events.
    assert counts == [13, 13]

"""Reads: who sees which case, the overdue queues, the nothing-falls-through report, irritants by
process, escalation and first-contact resolution by tenure and unit, the customer's slot and
status. Exact values, and the number of queries of each list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.http import Http404

from symetrie.cases import selectors, services
from symetrie.cases.models import Case, Commitment
from symetrie.org.services import employee_create
from tests.cases.conftest import OPENED, paris

NOW = paris(2025, 11, 26, 10)  # a Wednesday
User = get_user_model()


def fresh(employee):
    """The employee's user as a new request would have it (no cached employee record)."""
    return User.objects.get(pk=employee.user_id)


def refs(cases) -> list[str]:
    return [case.subject for case in cases]


@pytest.fixture
def marius_case(stranger, marius) -> Case:
    return services.case_open(
        actor=stranger, audience="customer", type="complaint", subject="Carte avalée",
        customer=marius, opened_at=OPENED,
    )  # fmt: skip


@pytest.fixture
def irritant(teammate) -> Case:
    return services.friction_flag(actor=teammate, process="Scanner", description="Bourrage")


# ---------------------------------------------------------------- access


@pytest.mark.parametrize(
    ("who", "complaint_seen", "irritant_seen", "marius_seen"),
    [
        ("frontline", True, False, False),  # own unit only: not the team under it
        ("teammate", True, True, False),  # Élodie is a customer of the agency they serve
        ("manager", True, True, False),
        ("regional", True, True, False),
        ("lead", True, True, True),
        ("stranger", False, False, True),
        ("departed", False, False, False),
    ],
)
def test_access_follows_the_tree(
    request, complaint, irritant, marius_case, who, complaint_seen, irritant_seen, marius_seen
):
    user = fresh(request.getfixturevalue(who))
    visible = set(selectors.case_list_visible_to(user=user))
    assert (complaint in visible, irritant in visible, marius_case in visible) == (
        complaint_seen, irritant_seen, marius_seen,
    )  # fmt: skip
    for case, seen in ((complaint, complaint_seen), (marius_case, marius_seen)):
        if seen:
            assert selectors.case_get_visible_to(user=user, pk=case.pk) == case
            assert selectors.case_get_visible_to(user=user, external_id=case.external_id) == case
        else:
            with pytest.raises(Http404):
                selectors.case_get_visible_to(user=user, pk=case.pk)


def test_nobody_without_an_employee_record_sees_a_case(complaint, outsider):
    assert list(selectors.case_list_visible_to(user=outsider)) == []
    superuser = User.objects.create_superuser("root", "root@example.fr", "x")
    assert list(selectors.case_list_visible_to(user=superuser)) == [complaint]


def test_owner_and_raiser_keep_sight_of_a_case_handed_elsewhere(marius_case, stranger, frontline):
    services.case_handoff(actor=stranger, case=marius_case, note="Le client a déménagé à Lille",
                          to_employee=frontline)  # fmt: skip
    assert marius_case in selectors.case_list_visible_to(user=fresh(frontline))  # owner
    assert marius_case in selectors.case_list_visible_to(user=fresh(stranger))  # raiser


def test_the_manager_an_escalation_goes_to_sees_the_case(org, frontline, stranger, marius, manager):
    # Marius's case, raised in Marseille, now in the head office's queue: when Félix escalates
    # it, Mona decides it, and so sees it, wherever it sits.
    case = services.case_open(actor=stranger, audience="customer", type="request",
                              subject="Virement", customer=marius)  # fmt: skip
    services.case_handoff(actor=stranger, case=case, note="Pour le siège", to_unit=org.siege)
    assert case not in selectors.case_list_visible_to(user=fresh(manager))
    services.case_escalate(actor=frontline, case=case, reason="Montant inhabituel")
    assert case in selectors.case_list_visible_to(user=fresh(manager))


def test_an_irritant_does_not_follow_its_customer(frontline, teammate, elodie, org):
    irritant = services.friction_flag(actor=teammate, process="Scanner", customer=elodie)
    assert irritant not in selectors.case_list_visible_to(user=fresh(frontline))


def test_the_case_list_costs_two_queries_however_long(
    complaint, irritant, frontline, elodie, manager, django_assert_num_queries
):
    for n in range(5):
        services.case_open(actor=frontline, audience="customer", type="request",
                           subject=f"Demande {n}", customer=elodie)  # fmt: skip
    user = fresh(manager)
    with django_assert_num_queries(2):  # the employee record, then the cases with their links
        cases = list(selectors.case_list_visible_to(user=user))
        seen = [
            (case.customer, case.unit.code, case.owner and case.owner.user, case.raised_by.user)
            for case in cases
        ]
    assert len(seen) == 7


# ---------------------------------------------------------------- queues and report


@pytest.fixture
def queue(complaint, irritant, marius_case, frontline, teammate, elodie):
    """As on Wednesday 26 November 2025 at 10:00:
    complaint   Lille, Félix, due Tue 25 17:00: overdue, no next step
    request     Lille, Félix, due Fri 28 17:00, with a commitment overdue since Wed 09:00
    irritant    Équipe Lille, no owner, made overdue (due Tue 25 12:00)
    planned     Lille, Félix, next step written, not due
    done        Lille, resolved, past due: no longer anybody's worry
    marius      Marseille, overdue
    """
    request = services.case_open(
        actor=frontline, audience="customer", type="request", subject="Attestation",
        customer=elodie, opened_at=paris(2025, 11, 25, 17),
    )  # fmt: skip
    assert request.due_at == paris(2025, 11, 28, 17)
    late_commitment = Commitment.objects.create(
        case=request, text="Envoyer l'attestation", due_at=paris(2025, 11, 26, 9), made_by=frontline
    )
    Commitment.objects.create(
        case=request, text="Appeler", due_at=paris(2025, 11, 25, 9), made_by=frontline,
        done_at=paris(2025, 11, 25, 8),
    )  # fmt: skip
    Case.objects.filter(pk=irritant.pk).update(due_at=paris(2025, 11, 25, 12))
    planned = services.case_open(
        actor=frontline, audience="customer", type="request", subject="Chéquier",
        customer=elodie, opened_at=paris(2025, 11, 26, 9),
    )  # fmt: skip
    services.case_set_next_step(actor=frontline, case=planned, next_step="Commander le chéquier")
    done = services.case_open(
        actor=frontline, audience="customer", type="information", subject="Horaires",
        customer=elodie, opened_at=OPENED,
    )  # fmt: skip
    services.case_transition(actor=frontline, case=done, to="resolved")
    return {"request": request, "late_commitment": late_commitment, "planned": planned}


def test_an_employee_s_overdue_queue(queue, frontline, django_assert_num_queries):
    with django_assert_num_queries(2):
        found = selectors.overdue_for_employee(employee=frontline, now=NOW)
        [(c.customer, c.unit, c.owner.user) for c in found.cases]
        [(k.case.customer, k.case.unit, k.made_by.user) for k in found.commitments]
    assert refs(found.cases) == ["Frais prélevés deux fois"]
    assert [k.text for k in found.commitments] == ["Envoyer l'attestation"]
    assert len(found) == 2


@pytest.mark.parametrize(
    ("who", "unit", "cases"),
    [
        ("manager", "lille", ["Bourrage", "Frais prélevés deux fois"]),
        ("regional", "north", ["Bourrage", "Frais prélevés deux fois"]),
        ("frontline", "lille", ["Frais prélevés deux fois"]),  # not the team under the agency
        ("lead", "hq", ["Bourrage", "Frais prélevés deux fois", "Carte avalée"]),
        ("stranger", "lille", []),
    ],
)
def test_a_unit_s_overdue_queue_within_scope(request, queue, org, who, unit, cases):
    user = fresh(request.getfixturevalue(who))
    found = selectors.overdue_for_unit(user=user, unit=getattr(org, unit), now=NOW)
    assert refs(found.cases) == cases
    expected_commitments = ["Envoyer l'attestation"] if who != "stranger" else []
    assert [k.text for k in found.commitments] == expected_commitments


def test_the_unit_queue_costs_three_queries(queue, manager, org, django_assert_num_queries):
    user = fresh(manager)
    with django_assert_num_queries(3):
        found = selectors.overdue_for_unit(user=user, unit=org.lille, now=NOW)
        [(c.customer, c.unit, c.owner and c.owner.user) for c in found.cases]
        [(k.case.customer, k.case.unit, k.made_by.user) for k in found.commitments]


def test_nothing_falls_through(queue, manager, org, django_assert_num_queries):
    user = fresh(manager)
    with django_assert_num_queries(2):
        rows = [
            (c.subject, c.is_unowned, c.lacks_next_step, c.is_past_due, c.owner and c.owner.user)
            for c in selectors.falling_through(user=user, now=NOW)
        ]
    # The request has an open commitment (its next step) and is not due; the planned one has a
    # next step; the resolved one is no longer open.
    assert [row[:4] for row in rows] == [
        ("Bourrage", True, True, True),
        ("Frais prélevés deux fois", False, True, True),
    ]


def test_nothing_falls_through_under_a_unit(queue, lead, org):
    user = fresh(lead)
    assert refs(selectors.falling_through(user=user, now=NOW)) == [
        "Bourrage", "Frais prélevés deux fois", "Carte avalée",
    ]  # fmt: skip
    assert refs(selectors.falling_through(user=user, unit=org.south, now=NOW)) == ["Carte avalée"]


# ---------------------------------------------------------------- irritants by process


def test_irritants_counted_by_process_and_the_outcomes_they_touched(
    queue, complaint, marius_case, frontline, teammate, manager, lead, django_assert_num_queries
):
    request = queue["request"]
    services.case_escalate(actor=frontline, case=complaint, reason="Client très mécontent")
    Case.objects.filter(pk=request.pk).update(
        status="resolved", resolved_at=paris(2025, 11, 27, 10), first_contact_resolution=False
    )
    for who, case in ((frontline, complaint), (teammate, complaint), (teammate, request)):
        services.friction_flag(actor=who, process="Outil de remboursement", case=case)
    services.friction_flag(actor=frontline, process="Outil de remboursement", case=marius_case)

    user = fresh(lead)
    with django_assert_num_queries(2):
        rows = selectors.irritants_by_process(user=user, now=NOW)
    assert [
        (r.process, r.irritants, r.open, r.cases_touched, r.complaints_touched,
         r.escalated_touched, r.late_touched, r.not_first_contact_touched)
        for r in rows
    ] == [
        # complaint (escalated, late), request (resolved before its due date, not at first
        # contact), Marius's complaint (late).
        ("Outil de remboursement", 4, 4, 3, 2, 1, 2, 1),
        ("Scanner", 1, 1, 0, 0, 0, 0, 0),
    ]  # fmt: skip

    # A manager counts the irritants of their subtree only.
    rows = selectors.irritants_by_process(user=fresh(manager), now=NOW)
    assert [(r.process, r.irritants, r.cases_touched) for r in rows] == [
        ("Outil de remboursement", 4, 3),
        ("Scanner", 1, 0),
    ]
    rows = selectors.irritants_by_process(user=fresh(frontline), now=NOW)
    assert [(r.process, r.irritants) for r in rows] == [("Outil de remboursement", 2)]


# ---------------------------------------------------------------- tenure and units


@pytest.fixture
def tenure_cases(org, frontline, manager, stranger, elodie, marius):
    """Cases opened on Friday 21 November 2025 by employees of four tenures."""

    def hire(external_id: str, hired: dt.date):
        return employee_create(
            external_id=external_id, email=f"{external_id.lower()}@example.fr",
            first_name=external_id, last_name="Test", unit=org.lille, role=org.advisor,
            hire_date=hired,
        )  # fmt: skip

    employee_create(
        external_id="E-SUD-MGR", email="sud.manager@example.fr", first_name="Sud",
        last_name="Manager", unit=org.south, role=org.director, hire_date=dt.date(2019, 1, 7),
        is_manager=True,
    )  # fmt: skip
    newest = hire("E-NEW", dt.date(2025, 8, 23))  # 90 days: under 3 months
    three_months = hire("E-3M", dt.date(2025, 8, 22))  # 91 days: 3 to 12 months
    almost_a_year = hire("E-364", dt.date(2024, 11, 22))  # 364 days: 3 to 12 months
    a_year = hire("E-365", dt.date(2024, 11, 21))  # 365 days: over a year

    def case(actor, customer=elodie):
        return services.case_open(
            actor=actor, audience="customer", type="request", subject=actor.external_id,
            customer=customer, opened_at=OPENED,
        )  # fmt: skip

    first = case(newest)
    services.case_escalate(actor=newest, case=first, reason="Je ne sais pas")
    services.case_transition(actor=newest, case=case(newest), to="resolved")  # at first contact
    case(newest)
    second = case(three_months)
    services.case_transition(actor=three_months, case=second, to="waiting_customer")
    services.case_transition(actor=three_months, case=second, to="resolved")
    services.case_transition(actor=almost_a_year, case=case(almost_a_year), to="resolved")
    case(a_year)
    services.case_transition(actor=frontline, case=case(frontline), to="resolved")
    marseille = case(stranger, marius)
    services.case_escalate(actor=stranger, case=marseille, reason="Fraude ?")
    # An employee case does not count among customer cases.
    services.case_open(actor=newest, audience="employee", type="internal_request", subject="x",
                       opened_at=OPENED)  # fmt: skip


def test_escalation_and_first_contact_resolution_by_tenure(
    tenure_cases, manager, lead, regional, django_assert_num_queries
):
    user = fresh(lead)
    with django_assert_num_queries(2):
        rows = selectors.rates_by_tenure(user=user)
    assert [(r.key, r.label, r.cases, r.escalated, r.resolved, r.first_contact) for r in rows] == [
        ("under_3_months", "Under 3 months", 3, 1, 1, 1),
        ("3_to_12_months", "3 to 12 months", 2, 0, 2, 1),
        ("over_1_year", "Over a year", 3, 1, 1, 1),
    ]
    assert [(r.escalation_rate, r.first_contact_rate) for r in rows] == [
        (1 / 3, 1.0), (0.0, 0.5), (1 / 3, 1.0),
    ]  # fmt: skip

    # Within a manager's subtree, Marseille's case is left out.
    rows = selectors.rates_by_tenure(user=fresh(manager))
    assert [(r.cases, r.escalated) for r in rows] == [(3, 1), (2, 0), (2, 0)]
    # A period with no case: every band, at zero, with no rate.
    rows = selectors.rates_by_tenure(user=user, since=paris(2025, 12, 1))
    assert [(r.key, r.cases, r.escalation_rate, r.first_contact_rate) for r in rows] == [
        ("under_3_months", 0, None, None),
        ("3_to_12_months", 0, None, None),
        ("over_1_year", 0, None, None),
    ]


def test_escalation_and_first_contact_resolution_by_unit(tenure_cases, org, lead, regional):
    rows = selectors.rates_by_unit(user=fresh(lead))
    assert [(r.key, r.label, r.cases, r.escalated, r.resolved, r.first_contact) for r in rows] == [
        ("AG-LIL", "Agence Lille", 7, 1, 4, 3),
        ("AG-MAR", "Agence Marseille", 1, 1, 0, 0),
    ]
    rows = selectors.rates_by_unit(user=fresh(regional), unit=org.north)
    assert [r.key for r in rows] == ["AG-LIL"]


# ---------------------------------------------------------------- the customer


def test_the_customer_slot_lists_open_cases_and_open_commitments(
    queue, teammate, elodie, django_assert_num_queries
):
    services.friction_flag(actor=teammate, process="Scanner", customer=elodie)
    user = fresh(teammate)
    # The employee record, the cases, their commitments (the customer is already known
    # visible: the access rule is not evaluated again).
    with django_assert_num_queries(3):
        found = selectors.customer_open_cases(user=user, customer=elodie)
    assert refs(found.cases) == ["Frais prélevés deux fois", "Attestation", "Chéquier"]
    assert [k.text for k in found.commitments] == ["Envoyer l'attestation"]


def test_the_public_status_shows_status_and_commitments_only(complaint, frontline):
    services.case_transition(actor=frontline, case=complaint, to="in_progress")
    Commitment.objects.create(case=complaint, text="Remboursement sous 48 h",
                              due_at=paris(2025, 11, 25, 12), made_by=frontline)  # fmt: skip
    complaint.refresh_from_db()
    status = selectors.case_public_status(case=complaint)
    assert status == selectors.PublicStatus(
        reference=complaint.external_id,
        subject="Frais prélevés deux fois",
        type="complaint",
        type_label="Complaint",
        status="in_progress",
        status_label="In progress",
        is_open=True,
        opened_at=OPENED,
        due_at=paris(2025, 11, 25, 17),
        resolved_at=None,
        closed_at=None,
        unit_name="Agence Lille",
        commitments=[
            selectors.PublicCommitment("Remboursement sous 48 h", paris(2025, 11, 25, 12), None)
        ],
    )


def test_my_cases_and_my_irritants(queue, complaint, irritant, frontline, teammate):
    assert refs(selectors.cases_owned_by(employee=frontline)) == [
        "Frais prélevés deux fois", "Attestation", "Chéquier",
    ]  # fmt: skip
    assert refs(selectors.irritants_raised_by(employee=teammate)) == ["Bourrage"]

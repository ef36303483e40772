"""Opening, ownership, handoffs, escalations, commitments, next steps, notes, friction: each
write is recorded as an event, and a refused write changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from symetrie.cases import services
from symetrie.cases.models import Case, CaseEvent, Commitment, Escalation
from symetrie.org.models import Employee
from tests.cases.conftest import OPENED, paris, state


def events(case: Case) -> list[tuple[str, str | None, str]]:
    return [
        (e.kind, e.actor.external_id if e.actor else None, e.note)
        for e in case.events.select_related("actor").order_by("pk")
    ]


# ---------------------------------------------------------------- opening


def test_a_customer_case_belongs_to_whoever_opened_it(complaint, frontline, org, elodie):
    assert (complaint.audience, complaint.type, complaint.customer, complaint.raised_by) == (
        "customer", "complaint", elodie, frontline,
    )  # fmt: skip
    assert (complaint.owner, complaint.unit, complaint.status) == (frontline, org.lille, "new")
    assert complaint.external_id.startswith("sym-")
    event = complaint.events.get()
    assert (event.kind, event.actor, event.to_status, event.at) == (
        "created", frontline, "new", OPENED,
    )  # fmt: skip
    assert event.data == {"owner": "E-FRONT", "unit": "AG-LIL"}


def test_an_employee_case_waits_in_its_unit_s_queue(frontline, org):
    case = services.case_open(
        actor=frontline, audience="employee", type="internal_request", subject="Badge cassé"
    )
    assert (case.owner, case.unit, case.customer, case.raised_by) == (
        None, org.lille, None, frontline,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"type": "irritant"}, {"type": ["This type of case is not for this audience."]}),
        ({"audience": "partner"}, {"audience": ["Unknown audience."]}),
        ({"customer": None}, {"customer": ["A customer case needs its customer."]}),
        ({"subject": "   "}, {"subject": ["Give the case a subject."]}),
        ({"priority": "asap"}, {"priority": ["Value 'asap' is not a valid choice."]}),
        (
            {"audience": "employee", "type": "irritant", "customer": None},
            {"process": ["Name the process or tool that got in the way."]},
        ),
    ],
)
def test_opening_a_case_checks_what_it_is(frontline, elodie, changes, errors):
    values = {
        "audience": "customer", "type": "request", "subject": "RIB", "customer": elodie,
        **changes,
    }  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.case_open(actor=frontline, **values)
    assert refused.value.message_dict == errors
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0


# ---------------------------------------------------------------- assigning and handing off


def test_assigning_an_unowned_case(frontline, teammate, manager):
    case = services.case_open(
        actor=frontline, audience="employee", type="internal_request", subject="Badge"
    )
    case = services.case_assign(actor=manager, case=case, owner=teammate)
    assert case.owner == teammate
    assert events(case)[-1] == ("assigned", "E-MGR", "")
    # Assigning it to the same person again changes nothing.
    services.case_assign(actor=manager, case=case, owner=teammate)
    assert case.events.count() == 2


def test_an_owned_case_changes_hands_only_by_a_handoff(complaint, teammate, manager):
    before = state(complaint)
    with pytest.raises(ValidationError) as refused:
        services.case_assign(actor=manager, case=complaint, owner=teammate)
    assert refused.value.message_dict == {
        "owner": ["This case has an owner: hand it off with a context note."]
    }
    assert state(complaint) == before


def test_nobody_who_has_left_gets_a_case(frontline, departed):
    case = services.case_open(
        actor=frontline, audience="employee", type="internal_request", subject="Badge"
    )
    with pytest.raises(ValidationError) as refused:
        services.case_assign(actor=frontline, case=case, owner=departed)
    assert refused.value.message_dict == {"owner": ["Gaston Gone has left."]}


@pytest.mark.parametrize("note", ["", "   "])
def test_handoff_requires_a_context_note(complaint, frontline, stranger, note):
    before = state(complaint)
    with pytest.raises(ValidationError) as refused:
        services.case_handoff(actor=frontline, case=complaint, note=note, to_employee=stranger)
    assert refused.value.message_dict == {
        "note": ["A handoff needs a context note: what the next person must know."]
    }
    assert state(complaint) == before


def test_handoff_to_a_colleague_moves_the_case_to_their_unit(complaint, frontline, stranger, org):
    case = services.case_handoff(
        actor=frontline, case=complaint, note="Client à Marseille désormais", to_employee=stranger
    )
    assert (case.owner, case.unit) == (stranger, org.marseille)
    event = case.events.order_by("-pk").first()
    assert (event.kind, event.note) == ("handoff", "Client à Marseille désormais")
    assert event.data == {
        "from_owner": "E-FRONT", "to_owner": "E-SUD", "from_unit": "AG-LIL", "to_unit": "AG-MAR",
    }  # fmt: skip


def test_handoff_to_a_team_leaves_it_in_the_team_s_queue(complaint, frontline, org):
    case = services.case_handoff(actor=frontline, case=complaint, note="Pour le siège",
                                 to_unit=org.siege)  # fmt: skip
    assert (case.owner, case.unit) == (None, org.siege)


@pytest.mark.parametrize(
    ("target", "errors"),
    [
        ({}, {"to": ["Hand the case to a colleague or to a team."]}),
        ({"to_employee": "frontline"}, {"to_employee": ["This case is already theirs."]}),
        (
            {"to_employee": "stranger", "to_unit": "lille"},
            {"to_employee": ["Sam Sud is not in this team."]},
        ),
    ],
)
def test_a_handoff_must_go_somewhere_else(complaint, frontline, stranger, org, target, errors):
    people = {"frontline": frontline, "stranger": stranger}
    kwargs = {}
    if "to_employee" in target:
        kwargs["to_employee"] = people[target["to_employee"]]
    if "to_unit" in target:
        kwargs["to_unit"] = getattr(org, target["to_unit"])
    before = state(complaint)
    with pytest.raises(ValidationError) as refused:
        services.case_handoff(actor=frontline, case=complaint, note="n", **kwargs)
    assert refused.value.message_dict == errors
    assert state(complaint) == before


# ---------------------------------------------------------------- escalations


def test_escalation_requires_a_reason(complaint, frontline, manager):
    before = state(complaint)
    with pytest.raises(ValidationError) as refused:
        services.case_escalate(actor=frontline, case=complaint, reason=" ")
    assert refused.value.message_dict == {
        "reason": ["Say why the case goes up: an escalation needs a reason."]
    }
    assert state(complaint) == before


def test_escalation_goes_to_the_manager_of_the_unit(complaint, frontline, manager, regional):
    escalation = services.case_escalate(actor=frontline, case=complaint, reason="Menace de partir")
    assert (escalation.to, escalation.raised_by, escalation.reason, escalation.status) == (
        manager, frontline, "Menace de partir", "pending",
    )  # fmt: skip
    event = complaint.events.order_by("-pk").first()
    assert (event.kind, event.note) == ("escalated", "Menace de partir")
    assert event.data == {"escalation": escalation.pk, "to": "E-MGR", "decision": None}


def test_escalation_climbs_the_tree_to_the_nearest_active_manager(
    complaint, frontline, teammate, manager, regional, departed
):
    # The team has no manager: its agency's manager.
    assert services.case_escalate(actor=teammate, case=complaint, reason="r").to == manager
    # A manager's own escalation goes above their unit, never to themself.
    assert services.case_escalate(actor=manager, case=complaint, reason="r").to == regional


def test_a_manager_who_has_left_is_skipped(complaint, frontline, departed, regional):
    # Gaston managed Agence Lille and left; Mona does not exist in this test.
    assert services.case_escalate(actor=frontline, case=complaint, reason="r").to == regional


def test_with_no_manager_above_there_is_nothing_to_escalate_to(complaint, frontline):
    before = state(complaint)
    with pytest.raises(ValidationError) as refused:
        services.case_escalate(actor=frontline, case=complaint, reason="r")
    assert refused.value.message_dict == {"to": ["There is no manager above you to escalate to."]}
    assert state(complaint) == before


def test_only_the_addressee_decides_an_escalation(complaint, frontline, manager, regional):
    escalation = services.case_escalate(actor=frontline, case=complaint, reason="r")
    before = state(complaint)

    for someone in (regional, frontline):
        with pytest.raises(PermissionDenied):
            services.escalation_decide(actor=someone, escalation=escalation, approve=True)

    escalation.refresh_from_db()
    assert (escalation.status, escalation.decided_by, escalation.decided_at) == (
        "pending", None, None,
    )  # fmt: skip
    assert state(complaint) == before


def test_a_refusal_says_why_and_a_decision_is_final(complaint, frontline, manager):
    escalation = services.case_escalate(actor=frontline, case=complaint, reason="r")
    with pytest.raises(ValidationError) as refused:
        services.escalation_decide(actor=manager, escalation=escalation, approve=False)
    assert refused.value.message_dict == {"answer": ["Say why you refuse."]}

    decided = services.escalation_decide(
        actor=manager, escalation=escalation, approve=False, answer="Hors politique"
    )
    assert (decided.status, decided.decided_by, decided.answer) == (
        "refused", manager, "Hors politique",
    )  # fmt: skip
    event = complaint.events.order_by("-pk").first()
    assert (event.kind, event.actor, event.note) == (
        "escalation_decided",
        manager,
        "Hors politique",
    )
    assert event.data == {"escalation": escalation.pk, "approved": False, "decision": None}

    with pytest.raises(ValidationError) as again:
        services.escalation_decide(actor=manager, escalation=escalation, approve=True)
    assert again.value.message_dict == {"status": ["This escalation has already been decided."]}
    escalation.refresh_from_db()
    assert escalation.status == "refused"


# ---------------------------------------------------------------- follow-through


def test_a_commitment_is_due_in_the_future(complaint, frontline):
    before = state(complaint)
    for due_at, errors in [
        (
            timezone.now() - dt.timedelta(minutes=1),
            {"due_at": ["A commitment is due in the future."]},
        ),
        (dt.datetime(2030, 1, 1, 9), {"due_at": ["Give the time with its time zone."]}),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.commitment_add(actor=frontline, case=complaint, text="Rappel", due_at=due_at)
        assert refused.value.message_dict == errors
    with pytest.raises(ValidationError) as refused:
        services.commitment_add(
            actor=frontline, case=complaint, text=" ", due_at=paris(2030, 1, 1, 9)
        )
    assert refused.value.message_dict == {"text": ["Say what was promised."]}
    assert state(complaint) == before


def test_a_commitment_made_and_kept(complaint, frontline, teammate):
    commitment = services.commitment_add(
        actor=frontline, case=complaint, text="Je vous rappelle jeudi", due_at=paris(2030, 1, 3, 10)
    )
    assert (commitment.made_by, commitment.done_at, commitment.is_done) == (frontline, None, False)

    kept = services.commitment_done(actor=teammate, commitment=commitment)
    done_at = kept.done_at
    assert done_at is not None
    # Keeping it again changes nothing.
    assert services.commitment_done(actor=frontline, commitment=commitment).done_at == done_at
    assert events(complaint)[1:] == [
        ("commitment_added", "E-FRONT", "Je vous rappelle jeudi"),
        ("commitment_done", "E-TEAM", "Je vous rappelle jeudi"),
    ]


def test_next_step_and_notes(complaint, frontline):
    case = services.case_set_next_step(actor=frontline, case=complaint, next_step=" Appeler ")
    assert case.next_step == "Appeler"
    services.case_set_next_step(actor=frontline, case=case, next_step="Appeler")  # unchanged
    services.case_note(actor=frontline, case=case, note="Client joint par téléphone")
    with pytest.raises(ValidationError):
        services.case_note(actor=frontline, case=case, note="")
    with pytest.raises(ValidationError) as too_long:
        services.case_set_next_step(actor=frontline, case=case, next_step="x" * 201)
    assert list(too_long.value.message_dict) == ["next_step"]
    assert events(case)[1:] == [
        ("next_step", "E-FRONT", "Appeler"),
        ("note", "E-FRONT", "Client joint par téléphone"),
    ]


# ---------------------------------------------------------------- friction


def test_friction_from_a_case_becomes_an_irritant_linked_to_it(complaint, teammate, org, elodie):
    irritant = services.friction_flag(
        actor=teammate,
        process="Outil de remboursement",
        description="Il faut ressaisir le RIB trois fois\net l'outil expire",
        case=complaint,
    )
    assert (irritant.audience, irritant.type, irritant.process, irritant.related_case) == (
        "employee", "irritant", "Outil de remboursement", complaint,
    )  # fmt: skip
    assert (irritant.unit, irritant.raised_by, irritant.owner, irritant.customer) == (
        org.lille_team, teammate, None, elodie,
    )  # fmt: skip
    assert irritant.subject == "Il faut ressaisir le RIB trois fois"
    event = complaint.events.order_by("-pk").first()
    assert (event.kind, event.actor, event.note) == ("friction", teammate, "Outil de remboursement")
    assert event.data == {"irritant": irritant.external_id}


def test_friction_from_a_customer_screen_names_the_customer(frontline, elodie, org):
    irritant = services.friction_flag(actor=frontline, process="Scanner", customer=elodie)
    assert (irritant.subject, irritant.customer, irritant.related_case, irritant.unit) == (
        "Scanner", elodie, None, org.lille,
    )  # fmt: skip


def test_friction_names_the_process(complaint, frontline):
    before = state(complaint)
    with pytest.raises(ValidationError) as refused:
        services.friction_flag(actor=frontline, process=" ", case=complaint)
    assert refused.value.message_dict == {
        "process": ["Name the process or tool that got in the way."]
    }
    assert state(complaint) == before
    assert Case.objects.count() == 1


def test_escalation_inbox_is_ordered_and_pending_only(complaint, frontline, manager):
    first = services.case_escalate(actor=frontline, case=complaint, reason="un")
    second = services.case_escalate(actor=frontline, case=complaint, reason="deux")
    services.escalation_decide(actor=manager, escalation=first, approve=True)
    from symetrie.cases.selectors import escalations_waiting_for

    assert list(escalations_waiting_for(employee=manager)) == [second]
    assert Escalation.objects.count() == 2
    assert Commitment.objects.count() == 0
    assert isinstance(manager, Employee)

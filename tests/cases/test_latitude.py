"""Latitude: what a role may decide alone is done at once; beyond it, the decision goes to the
nearest manager with its context. The employee sees their latitude in a sentence."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from symetrie.cases import selectors, services
from symetrie.cases.models import Decision, Escalation
from tests.cases.conftest import state


@pytest.mark.parametrize(
    ("amount", "within"),
    [
        ("0.01", True),
        ("49.99", True),
        ("50", True),
        ("50.00", True),
        ("50.01", False),
        ("80", False),
    ],
)
def test_goodwill_at_below_and_above_the_limit(complaint, frontline, manager, amount, within):
    # Félix is an advisor: goodwill gestures up to 50 € alone.
    decision = services.decision_record(
        actor=frontline, case=complaint, kind="goodwill", amount_eur=Decimal(amount)
    )
    assert (decision.amount_eur, decision.within_latitude, decision.status) == (
        Decimal(amount), within, "done" if within else "escalated",
    )  # fmt: skip
    assert Escalation.objects.filter(decision=decision).exists() is not within


def test_within_latitude_it_is_done_at_once_and_logged(complaint, frontline, manager):
    decision = services.decision_record(
        actor=frontline, case=complaint, kind="goodwill", amount_eur=Decimal("50"),
        note="Frais remboursés",
    )  # fmt: skip
    assert Escalation.objects.count() == 0
    event = complaint.events.order_by("-pk").first()
    assert (event.kind, event.actor, event.note) == (
        "decision", frontline, "Goodwill gesture of 50 €\nFrais remboursés",
    )  # fmt: skip
    assert event.data == {
        "decision": decision.pk, "decision_kind": "goodwill", "amount_eur": "50",
        "label": "", "within_latitude": True,
    }  # fmt: skip


def test_beyond_latitude_it_goes_to_the_manager_with_the_context(complaint, frontline, manager):
    decision = services.decision_record(
        actor=frontline, case=complaint, kind="goodwill", amount_eur=Decimal("80.5"),
        note="Client depuis 20 ans",
    )  # fmt: skip
    escalation = Escalation.objects.get()
    assert (escalation.decision, escalation.to, escalation.raised_by, escalation.status) == (
        decision, manager, frontline, "pending",
    )  # fmt: skip
    assert escalation.reason == (
        "Goodwill gesture of 80.50 €: beyond the latitude of Conseiller "
        "(You may grant up to 50 € alone.)\n"
        f"Case: {complaint.external_id} · Frais prélevés deux fois\n"
        "Client depuis 20 ans"
    )
    assert [e.kind for e in complaint.events.order_by("pk")] == ["created", "decision", "escalated"]

    services.escalation_decide(actor=manager, escalation=escalation, approve=True)
    decision.refresh_from_db()
    assert decision.status == "approved"


def test_a_refused_escalation_refuses_the_decision(complaint, frontline, manager):
    decision = services.decision_record(actor=frontline, case=complaint, kind="fee_waiver")
    escalation = Escalation.objects.get(decision=decision)
    services.escalation_decide(actor=manager, escalation=escalation, approve=False, answer="Non")
    decision.refresh_from_db()
    assert decision.status == "refused"


def test_a_manager_beyond_their_own_latitude_goes_to_the_manager_above(
    complaint, manager, regional
):
    # Mona is a director: 300 € alone, fee waivers too.
    assert (
        services.decision_record(
            actor=manager, case=complaint, kind="goodwill", amount_eur=Decimal("300")
        ).status
        == "done"
    )
    assert services.decision_record(actor=manager, case=complaint, kind="fee_waiver").status == (
        "done"
    )
    services.decision_record(
        actor=manager, case=complaint, kind="goodwill", amount_eur=Decimal("300.01")
    )
    assert Escalation.objects.get().to == regional


@pytest.mark.parametrize(
    ("label", "within"), [("report", True), ("  Report ", True), ("annuler le contrat", False)]
)
def test_named_decisions_from_the_role_s_list(complaint, frontline, manager, label, within):
    decision = services.decision_record(actor=frontline, case=complaint, kind="named", label=label)
    assert decision.within_latitude is within


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"kind": "gift"}, {"kind": ["Unknown kind of decision."]}),
        ({"kind": "goodwill"}, {"amount_eur": ["Give the amount of the gesture."]}),
        (
            {"kind": "goodwill", "amount_eur": Decimal("-5")},
            {"amount_eur": ["The amount cannot be negative."]},
        ),
        ({"kind": "named", "label": " "}, {"label": ["Name the decision."]}),
    ],
)
def test_a_decision_must_be_complete(complaint, frontline, manager, values, errors):
    before = state(complaint)
    with pytest.raises(ValidationError) as refused:
        services.decision_record(actor=frontline, case=complaint, **values)
    assert refused.value.message_dict == errors
    assert state(complaint) == before


def test_beyond_latitude_with_no_manager_nothing_is_recorded(complaint, frontline):
    before = state(complaint)
    with pytest.raises(ValidationError) as refused:
        services.decision_record(
            actor=frontline, case=complaint, kind="goodwill", amount_eur=Decimal("51")
        )
    assert refused.value.message_dict == {"to": ["There is no manager above you to escalate to."]}
    assert state(complaint) == before
    assert Decision.objects.count() == 0


def test_the_employee_sees_their_latitude(frontline, manager, regional, lead):
    latitude = selectors.latitude_for(employee=frontline)
    assert latitude.summary == "You may grant up to 50 € alone."
    assert latitude.lines == (
        "You may grant up to 50 € alone.",
        "Fee waivers go to your manager.",
        "You may also decide alone: report.",
        "Beyond that, Mona Manager decides.",
    )
    assert (latitude.goodwill_max_eur, latitude.may_waive_fees, latitude.decisions) == (
        Decimal("50.00"), False, ("report",),
    )  # fmt: skip
    assert latitude.escalates_to == manager

    assert selectors.latitude_for(employee=manager).lines == (
        "You may grant up to 300 € alone.",
        "You may waive fees alone.",
        "Other decisions go to your manager.",
        "Beyond that, Rémi Régional decides.",
    )
    assert selectors.latitude_for(employee=lead).lines == (
        "Every goodwill gesture goes to your manager.",
        "Fee waivers go to your manager.",
        "Other decisions go to your manager.",
    )


def test_amounts_follow_the_language(frontline, org):
    org.advisor.goodwill_max_eur = Decimal("1250.50")
    org.advisor.save()
    frontline.refresh_from_db()
    latitude = selectors.latitude_for(employee=frontline, with_manager=False)
    assert latitude.summary == "You may grant up to 1,250.50 € alone."
    with translation.override("fr"):
        assert selectors.euros(Decimal("1250.50")) == "1\xa0250,50\xa0€"

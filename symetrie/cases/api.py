"""Case endpoints: list, read, timeline; every action as a POST calling the same services as the
pages; bulk upserts of cases and their events under the import contract.

A case is named by its external id. A case (or escalation) outside the caller's view answers
404; a refused action 422 with the field at fault, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from symetrie.cases import selectors, services
from symetrie.cases.models import (
    Case,
    CaseEvent,
    CaseQuerySet,
    Commitment,
    Decision,
    Escalation,
    Priority,
)
from symetrie.core.bulk import BulkOut, run_bulk
from symetrie.customers.selectors import customer_list_visible_to
from symetrie.org import selectors as org_selectors
from symetrie.org.models import Employee, Unit

router = Router(tags=["cases"])
T = TypeVar("T")


# ---------------------------------------------------------------- schemas


class CaseOut(Schema):
    external_id: str
    audience: str
    type: str
    subject: str
    description: str
    channel: str
    customer_external_id: str | None
    raised_by_external_id: str | None
    unit_code: str
    owner_external_id: str | None
    priority: str
    status: str
    process: str
    related_case_external_id: str | None
    next_step: str
    opened_at: dt.datetime
    due_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    first_contact_resolution: bool | None
    overdue: bool

    @staticmethod
    def resolve_customer_external_id(case: Case) -> str | None:
        return case.customer.external_id if case.customer is not None else None

    @staticmethod
    def resolve_raised_by_external_id(case: Case) -> str | None:
        return case.raised_by.external_id if case.raised_by is not None else None

    @staticmethod
    def resolve_unit_code(case: Case) -> str:
        return case.unit.code

    @staticmethod
    def resolve_owner_external_id(case: Case) -> str | None:
        return case.owner.external_id if case.owner is not None else None

    @staticmethod
    def resolve_related_case_external_id(case: Case) -> str | None:
        return case.related_case.external_id if case.related_case is not None else None

    @staticmethod
    def resolve_overdue(case: Case) -> bool:
        return case.is_open and case.due_at is not None and case.due_at < timezone.now()


class EventOut(Schema):
    external_id: str | None
    kind: str
    at: dt.datetime
    actor_external_id: str | None
    from_status: str
    to_status: str
    note: str
    data: dict[str, Any]

    @staticmethod
    def resolve_actor_external_id(event: CaseEvent) -> str | None:
        return event.actor.external_id if event.actor is not None else None


class CommitmentOut(Schema):
    id: int
    text: str
    due_at: dt.datetime
    made_by_external_id: str
    made_at: dt.datetime
    done_at: dt.datetime | None

    @staticmethod
    def resolve_made_by_external_id(commitment: Commitment) -> str:
        return commitment.made_by.external_id


class DecisionOut(Schema):
    id: int
    kind: str
    amount_eur: Decimal
    label: str
    decided_by_external_id: str
    decided_at: dt.datetime
    within_latitude: bool
    status: str
    escalation_id: int | None

    @staticmethod
    def resolve_decided_by_external_id(decision: Decision) -> str:
        return decision.decided_by.external_id

    @staticmethod
    def resolve_escalation_id(decision: Decision) -> int | None:
        escalation = getattr(decision, "_escalation_id", None)
        if escalation is not None:
            return int(escalation)
        found = Escalation.objects.filter(decision=decision).values_list("pk", flat=True).first()
        return found


class EscalationOut(Schema):
    id: int
    case_external_id: str
    decision_id: int | None
    reason: str
    raised_by_external_id: str
    to_external_id: str
    raised_at: dt.datetime
    status: str
    decided_at: dt.datetime | None
    decided_by_external_id: str | None
    answer: str

    @staticmethod
    def resolve_case_external_id(escalation: Escalation) -> str:
        return escalation.case.external_id

    @staticmethod
    def resolve_raised_by_external_id(escalation: Escalation) -> str:
        return escalation.raised_by.external_id

    @staticmethod
    def resolve_to_external_id(escalation: Escalation) -> str:
        return escalation.to.external_id

    @staticmethod
    def resolve_decided_by_external_id(escalation: Escalation) -> str | None:
        return escalation.decided_by.external_id if escalation.decided_by is not None else None


class FallingThroughOut(CaseOut):
    is_unowned: bool
    lacks_next_step: bool
    is_past_due: bool


class LatitudeOut(Schema):
    role: str
    goodwill_max_eur: Decimal
    may_waive_fees: bool
    decisions: list[str]
    escalates_to_external_id: str | None
    lines: list[str]


class FieldError(Schema):
    field: str | None
    message: str


class ErrorsOut(Schema):
    detail: str
    errors: list[FieldError]


class CaseIn(Schema):
    audience: str
    type: str
    subject: str
    description: str = ""
    channel: str = ""
    customer_external_id: str | None = None
    unit_code: str | None = None
    priority: str = Priority.NORMAL
    process: str = ""


class TransitionIn(Schema):
    to: str
    note: str = ""


class AssignIn(Schema):
    owner_external_id: str


class HandoffIn(Schema):
    note: str
    to_employee_external_id: str | None = None
    to_unit_code: str | None = None


class EscalateIn(Schema):
    reason: str


class EscalationDecisionIn(Schema):
    approve: bool
    answer: str = ""


class CommitmentIn(Schema):
    text: str
    due_at: dt.datetime


class DecisionIn(Schema):
    kind: str
    amount_eur: Decimal = Decimal("0")
    label: str = ""
    note: str = ""


class NoteIn(Schema):
    note: str


class NextStepIn(Schema):
    next_step: str


class FrictionIn(Schema):
    process: str
    description: str = ""


# ---------------------------------------------------------------- helpers


def _actor(request: HttpRequest) -> Employee:
    """The employee acting; writes need one who is still here."""
    employee = org_selectors.employee_for(request.user)
    if employee is None or employee.has_left():
        raise HttpError(403, "acting on cases needs an employee record")
    return employee


def _case(request: HttpRequest, external_id: str) -> Case:
    return selectors.case_get_visible_to(user=request.user, external_id=external_id)


def _errors(error: ValidationError) -> dict[str, Any]:
    if hasattr(error, "error_dict"):
        errors = [
            {"field": None if name == "__all__" else name, "message": message}
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": None, "message": message} for message in error.messages]
    return {"detail": "refused", "errors": errors}


def _act(call: Callable[[], T]) -> Status[Any]:
    """Run a service: 200 with its result, 422 naming the field it refused, 403 if forbidden."""
    try:
        return Status(200, call())
    except ValidationError as error:
        return Status(422, _errors(error))
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from None


def _employee(external_id: str, field: str) -> Employee:
    employee = (
        Employee.objects.select_related("user", "unit", "role")
        .filter(external_id=external_id)
        .first()
    )
    if employee is None:
        raise ValidationError({field: f"unknown employee “{external_id}”"})
    return employee


def _unit(code: str, field: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise ValidationError({field: f"unknown unit “{code}”"})
    return unit


def _require_org_admin(request: HttpRequest, permission: str) -> None:
    """Bulk writes: an org-wide user holding the model permission."""
    scope = org_selectors.scope_for(request.user)
    if scope.reach is not org_selectors.Reach.EVERYTHING or not request.user.has_perm(permission):
        raise HttpError(403, f"writing here needs the '{permission}' permission, org-wide")


# ---------------------------------------------------------------- lists and bulk


@router.get("/cases", response=list[CaseOut])
@paginate(LimitOffsetPagination)
def cases_list(
    request: HttpRequest,
    status: str | None = None,
    type: str | None = None,
    audience: str | None = None,
    unit: str | None = None,
    under: str | None = None,
    owner: str | None = None,
    customer: str | None = None,
    overdue: bool | None = None,
) -> Any:
    """Cases the caller may see, newest first. `status`: one status, or several separated by
    commas; `unit`: that unit only, `under`: its subtree (a unit the caller may not see answers
    404); `owner`: an employee's external id, `me`, or `none` for unowned cases; `customer`: a
    customer's external id; `overdue`: open and past due, or not."""
    cases: CaseQuerySet = selectors.case_list_visible_to(user=request.user).select_related(
        "related_case"
    )
    if status:
        cases = cases.filter(status__in=[s.strip() for s in status.split(",") if s.strip()])
    if type:
        cases = cases.filter(type=type)
    if audience:
        cases = cases.filter(audience=audience)
    if unit:
        cases = cases.filter(unit=org_selectors.unit_get_visible_to(user=request.user, code=unit))
    if under:
        found = org_selectors.unit_get_visible_to(user=request.user, code=under)
        cases = cases.filter(unit__path__startswith=found.path)
    if owner == "none":
        cases = cases.filter(owner__isnull=True)
    elif owner == "me":
        me = org_selectors.employee_for(request.user)
        cases = cases.filter(owner=me) if me is not None else cases.none()
    elif owner:
        cases = cases.filter(owner__external_id=owner)
    if customer:
        cases = cases.filter(customer__external_id=customer)
    if overdue is not None:
        late = Case.objects.overdue(timezone.now()).values("pk")
        cases = cases.filter(pk__in=late) if overdue else cases.exclude(pk__in=late)
    return cases.order_by("-opened_at", "-pk")


@router.post("/cases", response={200: CaseOut, 422: ErrorsOut})
def cases_open(request: HttpRequest, payload: CaseIn) -> Any:
    """Open a case; the caller owns a customer case they open, an employee case goes to its
    unit's queue. `unit_code` defaults to the caller's unit."""
    actor = _actor(request)

    def call() -> Case:
        customer = None
        if payload.customer_external_id:
            customer = (
                customer_list_visible_to(user=request.user)
                .filter(external_id=payload.customer_external_id)
                .first()
            )
            if customer is None:
                raise ValidationError(
                    {"customer_external_id": f"unknown customer “{payload.customer_external_id}”"}
                )
        unit = None
        if payload.unit_code:
            unit = (
                org_selectors.unit_list_visible_to(user=request.user)
                .filter(code=payload.unit_code)
                .first()
            )
            if unit is None:
                raise ValidationError({"unit_code": f"unknown unit “{payload.unit_code}”"})
        return services.case_open(
            actor=actor,
            audience=payload.audience,
            type=payload.type,
            subject=payload.subject,
            description=payload.description,
            channel=payload.channel,
            customer=customer,
            unit=unit,
            priority=payload.priority,
            process=payload.process,
        )

    return _act(call)


@router.post("/cases/bulk", response=BulkOut)
def cases_bulk(request: HttpRequest, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Create or update cases by external id (columns of the `cases` import)."""
    _require_org_admin(request, "cases.change_case")
    return run_bulk("cases", records)


@router.post("/case_events/bulk", response=BulkOut)
def case_events_bulk(request: HttpRequest, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Create or update case events by external id (columns of the `case_events` import)."""
    _require_org_admin(request, "cases.change_caseevent")
    return run_bulk("case_events", records)


@router.get("/cases/report", response=list[FallingThroughOut])
@paginate(LimitOffsetPagination)
def cases_report(request: HttpRequest, under: str | None = None) -> Any:
    """Nothing falls through: every open case without an owner, without a next step, or past
    due, in the units the caller may see (`under`: a unit's subtree)."""
    unit = org_selectors.unit_get_visible_to(user=request.user, code=under) if under else None
    return selectors.falling_through(user=request.user, unit=unit).select_related("related_case")


@router.get("/latitude", response=LatitudeOut)
def latitude(request: HttpRequest) -> dict[str, Any]:
    """What the caller may decide alone, and who decides beyond that."""
    found = selectors.latitude_for(employee=_actor(request))
    return {
        "role": found.role,
        "goodwill_max_eur": found.goodwill_max_eur,
        "may_waive_fees": found.may_waive_fees,
        "decisions": list(found.decisions),
        "escalates_to_external_id": found.escalates_to.external_id if found.escalates_to else None,
        "lines": list(found.lines),
    }


@router.get("/escalations", response=list[EscalationOut])
@paginate(LimitOffsetPagination)
def escalations_waiting(request: HttpRequest) -> Any:
    """Escalations waiting for the caller's decision, the oldest first."""
    employee = org_selectors.employee_for(request.user)
    if employee is None:
        return Escalation.objects.none()
    return selectors.escalations_waiting_for(employee=employee).select_related(
        "to", "decided_by", "case"
    )


@router.post("/escalations/{escalation_id}/decision", response={200: EscalationOut, 422: ErrorsOut})
def escalations_decide(
    request: HttpRequest, escalation_id: int, payload: EscalationDecisionIn
) -> Any:
    """Approve or refuse (saying why) an escalation sent to the caller; anyone else: 403."""
    escalation = selectors.escalation_get_visible_to(user=request.user, pk=escalation_id)
    actor = _actor(request)
    return _act(
        lambda: services.escalation_decide(
            actor=actor, escalation=escalation, approve=payload.approve, answer=payload.answer
        )
    )


# ---------------------------------------------------------------- one case


@router.get("/cases/{external_id}", response=CaseOut)
def cases_read(request: HttpRequest, external_id: str) -> Case:
    return _case(request, external_id)


@router.get("/cases/{external_id}/events", response=list[EventOut])
def cases_events(request: HttpRequest, external_id: str) -> list[CaseEvent]:
    """The case's timeline, oldest first."""
    return selectors.case_events(case=_case(request, external_id))


@router.post("/cases/{external_id}/transitions", response={200: CaseOut, 422: ErrorsOut})
def cases_transition(request: HttpRequest, external_id: str, payload: TransitionIn) -> Any:
    """Move the case to another status, if the state machine allows it."""
    case, actor = _case(request, external_id), _actor(request)
    return _act(
        lambda: services.case_transition(actor=actor, case=case, to=payload.to, note=payload.note)
    )


@router.post("/cases/{external_id}/assign", response={200: CaseOut, 422: ErrorsOut})
def cases_assign(request: HttpRequest, external_id: str, payload: AssignIn) -> Any:
    """Give an unowned case its owner."""
    case, actor = _case(request, external_id), _actor(request)
    return _act(
        lambda: services.case_assign(
            actor=actor, case=case, owner=_employee(payload.owner_external_id, "owner_external_id")
        )
    )


@router.post("/cases/{external_id}/handoffs", response={200: CaseOut, 422: ErrorsOut})
def cases_handoff(request: HttpRequest, external_id: str, payload: HandoffIn) -> Any:
    """Hand the case to a colleague or a team, with a context note."""
    case, actor = _case(request, external_id), _actor(request)

    def call() -> Case:
        return services.case_handoff(
            actor=actor,
            case=case,
            note=payload.note,
            to_employee=_employee(payload.to_employee_external_id, "to_employee_external_id")
            if payload.to_employee_external_id
            else None,
            to_unit=_unit(payload.to_unit_code, "to_unit_code") if payload.to_unit_code else None,
        )

    return _act(call)


@router.get("/cases/{external_id}/escalations", response=list[EscalationOut])
def cases_escalations(request: HttpRequest, external_id: str) -> list[Escalation]:
    return selectors.case_escalations(case=_case(request, external_id))


@router.post("/cases/{external_id}/escalations", response={200: EscalationOut, 422: ErrorsOut})
def cases_escalate(request: HttpRequest, external_id: str, payload: EscalateIn) -> Any:
    """Send the case up to the caller's manager, with a reason."""
    case, actor = _case(request, external_id), _actor(request)
    return _act(lambda: services.case_escalate(actor=actor, case=case, reason=payload.reason))


@router.get("/cases/{external_id}/commitments", response=list[CommitmentOut])
def cases_commitments(request: HttpRequest, external_id: str) -> list[Commitment]:
    return selectors.case_commitments(case=_case(request, external_id))


@router.post("/cases/{external_id}/commitments", response={200: CommitmentOut, 422: ErrorsOut})
def cases_commit(request: HttpRequest, external_id: str, payload: CommitmentIn) -> Any:
    """A commitment made to the customer, due at a future time (with its time zone)."""
    case, actor = _case(request, external_id), _actor(request)
    return _act(
        lambda: services.commitment_add(
            actor=actor, case=case, text=payload.text, due_at=payload.due_at
        )
    )


@router.post(
    "/cases/{external_id}/commitments/{commitment_id}/done",
    response={200: CommitmentOut, 422: ErrorsOut},
)
def cases_commitment_done(request: HttpRequest, external_id: str, commitment_id: int) -> Any:
    case, actor = _case(request, external_id), _actor(request)
    commitment = selectors.commitment_get(case=case, pk=commitment_id)
    return _act(lambda: services.commitment_done(actor=actor, commitment=commitment))


@router.get("/cases/{external_id}/decisions", response=list[DecisionOut])
def cases_decisions(request: HttpRequest, external_id: str) -> list[Decision]:
    decisions = selectors.case_decisions(case=_case(request, external_id))
    escalations = dict(
        Escalation.objects.filter(decision__in=decisions).values_list("decision_id", "pk")
    )
    for decision in decisions:
        decision._escalation_id = escalations.get(decision.pk)  # type: ignore[attr-defined]
    return decisions


@router.post("/cases/{external_id}/decisions", response={200: DecisionOut, 422: ErrorsOut})
def cases_decide(request: HttpRequest, external_id: str, payload: DecisionIn) -> Any:
    """Record a decision: done at once within the caller's latitude, else escalated to their
    manager (`status` says which; `escalation_id` names the escalation)."""
    case, actor = _case(request, external_id), _actor(request)
    return _act(
        lambda: services.decision_record(
            actor=actor,
            case=case,
            kind=payload.kind,
            amount_eur=payload.amount_eur,
            label=payload.label,
            note=payload.note,
        )
    )


@router.post("/cases/{external_id}/notes", response={200: EventOut, 422: ErrorsOut})
def cases_note(request: HttpRequest, external_id: str, payload: NoteIn) -> Any:
    case, actor = _case(request, external_id), _actor(request)
    return _act(lambda: services.case_note(actor=actor, case=case, note=payload.note))


@router.post("/cases/{external_id}/next_step", response={200: CaseOut, 422: ErrorsOut})
def cases_next_step(request: HttpRequest, external_id: str, payload: NextStepIn) -> Any:
    case, actor = _case(request, external_id), _actor(request)
    return _act(
        lambda: services.case_set_next_step(actor=actor, case=case, next_step=payload.next_step)
    )


@router.post("/cases/{external_id}/friction", response={200: CaseOut, 422: ErrorsOut})
def cases_friction(request: HttpRequest, external_id: str, payload: FrictionIn) -> Any:
    """Flag what got in the caller's way on this case: an irritant of their unit, linked to it."""
    case, actor = _case(request, external_id), _actor(request)
    return _act(
        lambda: services.friction_flag(
            actor=actor, process=payload.process, description=payload.description, case=case
        )
    )

"""Every write to a case: open, move through the state machine, assign, hand off, escalate,
commit, decide within latitude, flag friction, note — and the reminders.

Each service is one transaction, takes keyword arguments with the acting employee as `actor`,
locks the case row first (so that writes to one case queue up, in one order), validates, writes,
and records what happened as a `CaseEvent`. A refused write raises `ValidationError` (naming the
field) or `PermissionDenied`, and changes nothing. Access by the org tree is checked before, by
the selectors that found the case (`case_get_visible_to`).
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from symetrie.cases import sla
from symetrie.cases.models import (
    OPEN_STATUSES,
    TRANSITIONS,
    TYPES_BY_AUDIENCE,
    Case,
    CaseEvent,
    CaseType,
    Commitment,
    Decision,
    DecisionKind,
    DecisionStatus,
    Escalation,
    EscalationStatus,
    EventKind,
    Priority,
    Status,
)
from symetrie.cases.selectors import (
    describe_decision,
    latitude_allows,
    latitude_for,
    manager_for,
    manager_of_unit,
)
from symetrie.core.audience import Audience
from symetrie.customers.models import Customer
from symetrie.org.models import Employee, Unit


class _Unset(enum.Enum):
    UNSET = "unset"


UNSET = _Unset.UNSET

# Events after which a resolution is no longer a first-contact resolution.
NOT_FIRST_CONTACT = (EventKind.HANDOFF, EventKind.ESCALATED, EventKind.REOPENED)
WAITING = (Status.WAITING_CUSTOMER, Status.WAITING_TEAM)


def new_external_id() -> str:
    """The reference of a case opened in Symétrie (imported ones keep their source's)."""
    return f"sym-{uuid.uuid4().hex[:16]}"


def _event(
    case: Case,
    kind: str,
    *,
    actor: Employee | None,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
    at: dt.datetime | None = None,
    **data: Any,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        note=note,
        from_status=from_status,
        to_status=to_status,
        at=at or timezone.now(),
        data=data,
    )


def _lock(case: Case) -> Case:
    """The case, locked for this transaction, as it is now in the database."""
    return Case.objects.select_for_update().select_related("unit").get(pk=case.pk)


def _refuse_if_closed(case: Case) -> None:
    if case.status == Status.CLOSED:
        raise ValidationError({"status": _("This case is closed: reopen it first.")})


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _active(employee: Employee, field: str) -> None:
    if employee.has_left() or not employee.user.is_active:
        raise ValidationError({field: _("%(name)s has left.") % {"name": employee}})


# ---------------------------------------------------------------- opening


@transaction.atomic
def case_open(
    *,
    actor: Employee,
    audience: str,
    type: str,
    subject: str,
    description: str = "",
    channel: str = "",
    customer: Customer | None = None,
    unit: Unit | None = None,
    owner: Employee | _Unset | None = UNSET,
    priority: str = Priority.NORMAL,
    process: str = "",
    related_case: Case | None = None,
    opened_at: dt.datetime | None = None,
    due_at: dt.datetime | _Unset | None = UNSET,
) -> Case:
    """Open a case: for a customer (request, complaint, information) or by an employee (irritant,
    internal request). The unit defaults to the actor's; the owner to the actor for a customer
    case, to nobody for an employee case (the unit's queue takes it). Due from the SLA policy,
    unless the caller sets `due_at` (a survey's follow-up: 48 business hours)."""
    if audience not in TYPES_BY_AUDIENCE:
        raise ValidationError({"audience": _("Unknown audience.")})
    if type not in TYPES_BY_AUDIENCE[audience]:
        raise ValidationError({"type": _("This type of case is not for this audience.")})
    if audience == Audience.CUSTOMER and customer is None:
        raise ValidationError({"customer": _("A customer case needs its customer.")})
    subject = _required(subject, "subject", _("Give the case a subject."))
    process = (process or "").strip()
    if type == CaseType.IRRITANT and not process:
        raise ValidationError({"process": _("Name the process or tool that got in the way.")})
    if owner is UNSET:
        owner = actor if audience == Audience.CUSTOMER else None
    if owner is not None:
        _active(owner, "owner")
    opened_at = opened_at or timezone.now()
    case = Case(
        external_id=new_external_id(),
        audience=audience,
        type=type,
        subject=subject,
        description=(description or "").strip(),
        channel=channel,
        customer=customer,
        raised_by=actor,
        unit=unit or actor.unit,
        owner=owner,
        priority=priority,
        status=Status.NEW,
        process=process,
        related_case=related_case,
        opened_at=opened_at,
        due_at=sla.due_at(type, priority, opened_at) if due_at is UNSET else due_at,
    )
    case.clean_fields(
        exclude=[
            "customer",
            "raised_by",
            "unit",
            "owner",
            "related_case",
            "first_contact_resolution",
        ]
    )
    case.save()
    _event(
        case,
        EventKind.CREATED,
        actor=actor,
        to_status=Status.NEW,
        at=opened_at,
        owner=owner.external_id if owner else None,
        unit=case.unit.code,
    )
    return case


# ---------------------------------------------------------------- the state machine


def _first_contact(case: Case, actor: Employee) -> bool:
    """Resolved by whoever opened it, with no wait, handoff, escalation nor reopening."""
    if case.raised_by_id is None or case.raised_by_id != actor.pk:
        return False
    detours = case.events.filter(Q(kind__in=NOT_FIRST_CONTACT) | Q(to_status__in=WAITING))
    return not detours.exists()


@transaction.atomic
def case_transition(*, actor: Employee, case: Case, to: str, note: str = "") -> Case:
    """Move a case along `TRANSITIONS`. Resolving records first-contact resolution; closing is
    refused while a commitment is open; reopening (from resolved or closed) starts a new due
    date from now and new reminders."""
    case = _lock(case)
    if to not in Status.values:
        raise ValidationError({"to": _("Unknown status.")})
    if to not in TRANSITIONS[case.status]:
        raise ValidationError(
            {
                "to": _("A case cannot go from “%(from)s” to “%(to)s”.")
                % {"from": Status(case.status).label, "to": Status(to).label}
            }
        )
    if to == Status.CLOSED and case.commitments.filter(done_at__isnull=True).exists():
        raise ValidationError(
            {"to": _("A case cannot be closed while a commitment to the customer is open.")}
        )
    now = timezone.now()
    from_status = case.status
    reopening = from_status in (Status.RESOLVED, Status.CLOSED) and to in OPEN_STATUSES
    fields = ["status"]
    case.status = to
    if to == Status.RESOLVED:
        case.resolved_at = now
        case.first_contact_resolution = _first_contact(case, actor)
        fields += ["resolved_at", "first_contact_resolution"]
    elif to == Status.CLOSED:
        case.closed_at = now
        fields.append("closed_at")
    elif reopening:
        case.resolved_at = None
        case.closed_at = None
        case.first_contact_resolution = None
        case.due_at = sla.due_at(case.type, case.priority, now)
        case.reminded_before_due_at = None
        case.reminded_at_due_at = None
        fields += [
            "resolved_at",
            "closed_at",
            "first_contact_resolution",
            "due_at",
            "reminded_before_due_at",
            "reminded_at_due_at",
        ]
    case.save(update_fields=fields)
    _event(
        case,
        EventKind.REOPENED if reopening else EventKind.STATUS,
        actor=actor,
        note=(note or "").strip(),
        from_status=from_status,
        to_status=to,
        at=now,
    )
    return case


# ---------------------------------------------------------------- who holds the case


@transaction.atomic
def case_assign(*, actor: Employee, case: Case, owner: Employee) -> Case:
    """Give an unowned case its owner (or take it). A case that has an owner changes hands by a
    handoff, with a context note."""
    case = _lock(case)
    _refuse_if_closed(case)
    if case.owner_id == owner.pk:
        return case
    if case.owner_id is not None:
        raise ValidationError(
            {"owner": _("This case has an owner: hand it off with a context note.")}
        )
    _active(owner, "owner")
    case.owner = owner
    case.save(update_fields=["owner"])
    _event(case, EventKind.ASSIGNED, actor=actor, owner=owner.external_id)
    return case


@transaction.atomic
def case_handoff(
    *,
    actor: Employee,
    case: Case,
    note: str,
    to_employee: Employee | None = None,
    to_unit: Unit | None = None,
) -> Case:
    """Hand a case to a colleague or to a team, with the note the next person needs.

    To an employee: they own it, and the case goes to their unit (or to `to_unit`, which must
    hold them). To a team only: the team's queue holds it, with no owner until someone takes it.
    """
    note = _required(
        note, "note", _("A handoff needs a context note: what the next person must know.")
    )
    case = _lock(case)
    _refuse_if_closed(case)
    if to_employee is None and to_unit is None:
        raise ValidationError({"to": _("Hand the case to a colleague or to a team.")})
    if to_employee is not None:
        _active(to_employee, "to_employee")
        if to_unit is not None and not to_employee.unit.is_within(to_unit):
            raise ValidationError(
                {"to_employee": _("%(name)s is not in this team.") % {"name": to_employee}}
            )
    new_unit = to_unit or (to_employee.unit if to_employee is not None else case.unit)
    if to_employee is not None and to_employee.pk == case.owner_id and new_unit == case.unit:
        raise ValidationError({"to_employee": _("This case is already theirs.")})
    if to_employee is None and new_unit == case.unit and case.owner_id is None:
        raise ValidationError({"to_unit": _("This case is already in this team's queue.")})
    previous_owner = case.owner.external_id if case.owner is not None else None
    previous_unit = case.unit.code
    case.owner = to_employee
    case.unit = new_unit
    case.save(update_fields=["owner", "unit"])
    _event(
        case,
        EventKind.HANDOFF,
        actor=actor,
        note=note,
        from_owner=previous_owner,
        to_owner=to_employee.external_id if to_employee else None,
        from_unit=previous_unit,
        to_unit=new_unit.code,
    )
    return case


def _escalate(
    case: Case, *, actor: Employee, reason: str, decision: Decision | None = None
) -> Escalation:
    to = manager_for(employee=actor)
    if to is None:
        raise ValidationError({"to": _("There is no manager above you to escalate to.")})
    escalation = Escalation.objects.create(
        case=case, decision=decision, reason=reason, raised_by=actor, to=to
    )
    _event(
        case,
        EventKind.ESCALATED,
        actor=actor,
        note=reason,
        escalation=escalation.pk,
        to=to.external_id,
        decision=decision.pk if decision else None,
    )
    return escalation


@transaction.atomic
def case_escalate(*, actor: Employee, case: Case, reason: str) -> Escalation:
    """Send a case up to the right manager (the nearest active one above the actor), with a
    reason."""
    reason = _required(
        reason, "reason", _("Say why the case goes up: an escalation needs a reason.")
    )
    case = _lock(case)
    _refuse_if_closed(case)
    return _escalate(case, actor=actor, reason=reason)


@transaction.atomic
def escalation_decide(
    *, actor: Employee, escalation: Escalation, approve: bool, answer: str = ""
) -> Escalation:
    """The manager an escalation was sent to approves or refuses it (a refusal says why); a
    decision escalated with it is approved or refused with it."""
    _lock(escalation.case)
    escalation = Escalation.objects.select_for_update().select_related("case").get(pk=escalation.pk)
    if escalation.to_id != actor.pk:
        raise PermissionDenied(_("Only the manager this escalation was sent to may decide it."))
    if escalation.status != EscalationStatus.PENDING:
        raise ValidationError({"status": _("This escalation has already been decided.")})
    answer = (answer or "").strip()
    if not approve and not answer:
        raise ValidationError({"answer": _("Say why you refuse.")})
    now = timezone.now()
    escalation.status = EscalationStatus.APPROVED if approve else EscalationStatus.REFUSED
    escalation.decided_at = now
    escalation.decided_by = actor
    escalation.answer = answer
    escalation.save(update_fields=["status", "decided_at", "decided_by", "answer"])
    if escalation.decision_id is not None:
        Decision.objects.filter(pk=escalation.decision_id).update(
            status=DecisionStatus.APPROVED if approve else DecisionStatus.REFUSED
        )
    _event(
        escalation.case,
        EventKind.ESCALATION_DECIDED,
        actor=actor,
        note=answer,
        at=now,
        escalation=escalation.pk,
        approved=approve,
        decision=escalation.decision_id,
    )
    return escalation


# ---------------------------------------------------------------- follow-through


@transaction.atomic
def commitment_add(*, actor: Employee, case: Case, text: str, due_at: dt.datetime) -> Commitment:
    """A promise made to the customer (“I call you back Thursday”), due at a future time."""
    text = _required(text, "text", _("Say what was promised."))
    if timezone.is_naive(due_at):
        raise ValidationError({"due_at": _("Give the time with its time zone.")})
    if due_at <= timezone.now():
        raise ValidationError({"due_at": _("A commitment is due in the future.")})
    case = _lock(case)
    _refuse_if_closed(case)
    commitment = Commitment(case=case, text=text, due_at=due_at, made_by=actor)
    commitment.clean_fields(exclude=["case", "made_by"])
    commitment.save()
    _event(
        case,
        EventKind.COMMITMENT_ADDED,
        actor=actor,
        note=text,
        commitment=commitment.pk,
        due_at=due_at.isoformat(),
    )
    return commitment


@transaction.atomic
def commitment_done(*, actor: Employee, commitment: Commitment) -> Commitment:
    """The promise is kept. Marking a kept promise again changes nothing."""
    case = _lock(commitment.case)
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.done_at is not None:
        return commitment
    commitment.done_at = timezone.now()
    commitment.save(update_fields=["done_at"])
    _event(
        case,
        EventKind.COMMITMENT_DONE,
        actor=actor,
        note=commitment.text,
        at=commitment.done_at,
        commitment=commitment.pk,
    )
    return commitment


@transaction.atomic
def case_set_next_step(*, actor: Employee, case: Case, next_step: str) -> Case:
    """What happens next on the case (empty to clear it)."""
    next_step = (next_step or "").strip()
    case = _lock(case)
    _refuse_if_closed(case)
    if case.next_step == next_step:
        return case
    case.next_step = next_step
    case.clean_fields(exclude=[f.name for f in Case._meta.fields if f.name != "next_step"])
    case.save(update_fields=["next_step"])
    _event(case, EventKind.NEXT_STEP, actor=actor, note=next_step)
    return case


@transaction.atomic
def case_note(*, actor: Employee, case: Case, note: str) -> CaseEvent:
    """A note on the case's timeline."""
    note = _required(note, "note", _("Write the note."))
    case = _lock(case)
    return _event(case, EventKind.NOTE, actor=actor, note=note)


# ---------------------------------------------------------------- latitude


@transaction.atomic
def decision_record(
    *,
    actor: Employee,
    case: Case,
    kind: str,
    amount_eur: Decimal = Decimal("0"),
    label: str = "",
    note: str = "",
) -> Decision:
    """Record a decision: within the role's latitude it is done at once; beyond it, it waits for
    the right manager, to whom an escalation goes with the context (the case, the decision, why
    it is beyond latitude, the employee's note)."""
    if kind not in DecisionKind.values:
        raise ValidationError({"kind": _("Unknown kind of decision.")})
    amount_eur = Decimal(amount_eur or 0)
    if not amount_eur.is_finite() or amount_eur < 0:
        raise ValidationError({"amount_eur": _("The amount cannot be negative.")})
    if kind == DecisionKind.GOODWILL and amount_eur <= 0:
        raise ValidationError({"amount_eur": _("Give the amount of the gesture.")})
    label = (label or "").strip()
    if kind == DecisionKind.NAMED and not label:
        raise ValidationError({"label": _("Name the decision.")})
    note = (note or "").strip()
    case = _lock(case)
    _refuse_if_closed(case)
    within = latitude_allows(role=actor.role, kind=kind, amount_eur=amount_eur, label=label)
    decision = Decision(
        case=case,
        kind=kind,
        amount_eur=amount_eur,
        label=label,
        decided_by=actor,
        within_latitude=within,
        status=DecisionStatus.DONE if within else DecisionStatus.ESCALATED,
    )
    decision.clean_fields(exclude=["case", "decided_by"])
    decision.save()
    what = describe_decision(kind=kind, amount_eur=amount_eur, label=label)
    _event(
        case,
        EventKind.DECISION,
        actor=actor,
        note=what if not note else f"{what}\n{note}",
        at=decision.decided_at,
        decision=decision.pk,
        decision_kind=kind,
        amount_eur=str(amount_eur),
        label=label,
        within_latitude=within,
    )
    if not within:
        latitude = latitude_for(employee=actor, with_manager=False)
        reason = _("%(decision)s: beyond the latitude of %(role)s (%(latitude)s)") % {
            "decision": what,
            "role": actor.role.name,
            "latitude": latitude.rule_for(kind),
        }
        reason += "\n" + _("Case: %(case)s") % {"case": f"{case.external_id} · {case.subject}"}
        if note:
            reason += "\n" + note
        _escalate(case, actor=actor, reason=reason, decision=decision)
    return decision


# ---------------------------------------------------------------- friction


@transaction.atomic
def friction_flag(
    *,
    actor: Employee,
    process: str,
    description: str = "",
    case: Case | None = None,
    customer: Customer | None = None,
) -> Case:
    """The friction button: what got in the employee's way becomes an irritant of their unit,
    naming the process or tool, linked to the customer case it hurt (and its customer)."""
    process = _required(process, "process", _("Name the process or tool that got in the way."))
    if case is not None:
        case = _lock(case)
        customer = customer or case.customer
    description = (description or "").strip()
    first_line = description.splitlines()[0].strip() if description else ""
    subject = (first_line or process)[:200]
    irritant = case_open(
        actor=actor,
        audience=Audience.EMPLOYEE,
        type=CaseType.IRRITANT,
        subject=subject,
        description=description,
        customer=customer,
        unit=actor.unit,
        owner=None,
        process=process[:120],
        related_case=case,
    )
    if case is not None:
        _event(case, EventKind.FRICTION, actor=actor, note=process, irritant=irritant.external_id)
    return irritant


# ---------------------------------------------------------------- reminders


@dataclass
class ReminderCounts:
    cases_before: int = 0
    cases_due: int = 0
    commitments_before: int = 0
    commitments_due: int = 0

    @property
    def total(self) -> int:
        return self.cases_before + self.cases_due + self.commitments_before + self.commitments_due


def reminder_lead() -> dt.timedelta:
    """How long before the due date the first reminder goes (business time; setting
    `CASES_REMINDER_LEAD_HOURS`, default 24)."""
    return dt.timedelta(hours=float(getattr(settings, "CASES_REMINDER_LEAD_HOURS", 24)))


def reminders_send(*, now: dt.datetime | None = None) -> ReminderCounts:
    """Send the reminders that are due: before the due date (within the lead, in business time)
    and at it, for open cases and open commitments. Each reminder is claimed first with a
    conditional update of its `reminded_*` field, in the transaction that sends it: a re-run, or
    a second worker at the same time, never sends one twice; a failed send is retried next run.
    """
    now = now or timezone.now()
    soon = sla.add_business_hours(now, reminder_lead())
    counts = ReminderCounts()
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    open_commitments = Commitment.objects.filter(done_at__isnull=True)
    plans: list[tuple[str, Any, Q, str]] = [
        ("cases_before", open_cases, Q(due_at__gt=now, due_at__lte=soon), "reminded_before_due_at"),
        ("cases_due", open_cases, Q(due_at__lte=now), "reminded_at_due_at"),
        (
            "commitments_before",
            open_commitments,
            Q(due_at__gt=now, due_at__lte=soon),
            "reminded_before_due_at",
        ),
        ("commitments_due", open_commitments, Q(due_at__lte=now), "reminded_at_due_at"),
    ]
    connection = mail.get_connection()
    for counter, queryset, window, field in plans:
        pending = queryset.filter(window, **{f"{field}__isnull": True})
        for pk in list(pending.order_by("due_at", "pk").values_list("pk", flat=True)):
            if _remind_one(queryset, window, field, pk, now=now, connection=connection):
                setattr(counts, counter, getattr(counts, counter) + 1)
    return counts


@transaction.atomic
def _remind_one(
    queryset: Any, window: Q, field: str, pk: int, *, now: dt.datetime, connection: Any
) -> bool:
    claimed = queryset.filter(window, pk=pk, **{f"{field}__isnull": True}).update(**{field: now})
    if not claimed:
        return False
    before = field == "reminded_before_due_at"
    obj: Model = queryset.model.objects.get(pk=pk)
    if isinstance(obj, Commitment):
        case = Case.objects.select_related("owner__user", "unit").get(pk=obj.case_id)
        recipients = [case.owner] if case.owner else [obj.made_by]
        subject, body = _commitment_message(obj, case, before=before)
        commitment_pk: int | None = obj.pk
    else:
        assert isinstance(obj, Case)
        case = Case.objects.select_related("owner__user", "unit").get(pk=pk)
        manager = manager_of_unit(unit=case.unit) if case.owner is None else None
        recipients = [case.owner] if case.owner else ([manager] if manager else [])
        subject, body = _case_message(case, before=before)
        commitment_pk = None
    emails = [e.user.email for e in recipients if e is not None and e.user.email]
    if emails:
        mail.EmailMessage(subject, body, to=emails, connection=connection).send()
    _event(
        case,
        EventKind.REMINDER,
        actor=None,
        note=subject,
        at=now,
        which="before" if before else "due",
        commitment=commitment_pk,
        to=[e.external_id for e in recipients if e is not None],
    )
    return True


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment, sla.calendar().tz)
    return local.strftime("%d/%m/%Y %H:%M")


def _case_message(case: Case, *, before: bool) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        values = {"ref": case.external_id, "subject": case.subject, "due": _when(case.due_at)}
        if before:
            title = _("Case %(ref)s is due on %(due)s") % values
        else:
            title = _("Case %(ref)s is overdue (due on %(due)s)") % values
        body = "\n".join(
            [
                title,
                "",
                _("Subject: %(subject)s") % values,
                _("Status: %(status)s") % {"status": Status(case.status).label},
                _("Next step: %(step)s") % {"step": case.next_step or "–"},
            ]
        )
        return title, body


def _commitment_message(commitment: Commitment, case: Case, *, before: bool) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "text": commitment.text,
            "ref": case.external_id,
            "due": _when(commitment.due_at),
        }
        if before:
            title = _("Commitment due on %(due)s: %(text)s") % values
        else:
            title = _("Commitment overdue (due on %(due)s): %(text)s") % values
        body = "\n".join(
            [title, "", _("Case %(ref)s: %(subject)s") % {**values, "subject": case.subject}]
        )
        return title, body

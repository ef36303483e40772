"""Scoped reads of cases: who may see which case, queues, reports, latitude.

**Access.** A case is visible to a user when
- its unit is in the user's org scope (`symetrie.org.selectors.scope_for`): a manager sees the
  cases of their subtree, a frontline employee those of their unit, a lead every case;
- or the user owns it, or raised it (a case handed to another team stays visible to whoever
  holds or opened it), or an escalation on it was sent to them (the manager who decides it);
- or, for a customer case, the user may see its customer (`customer_scope_q`): whoever serves
  a customer sees that customer's requests and complaints, wherever they are handled, so that
  nobody makes the customer repeat their story. Employee cases (irritants) do not follow their
  customer: they are the employees' own voice.
A user with no scope (no employee record, or one who has left) sees no case, not even their own.
A case outside the user's view answers 404, never 403.

Reports and queues (overdue, nothing-falls-through, irritants, tenure) count the cases *of the
units* the user may see (`Scope` on the case's unit), not the cases reached through a customer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as Switch
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from symetrie.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseQuerySet,
    CaseType,
    Commitment,
    Decision,
    DecisionKind,
    Escalation,
    EscalationStatus,
    Status,
)
from symetrie.core.audience import Audience
from symetrie.core.db import read_models
from symetrie.core.templatetags.symetrie import number
from symetrie.customers.models import Customer
from symetrie.customers.selectors import customer_scope_q
from symetrie.org.models import Employee, Role, Unit
from symetrie.org.selectors import Reach, employee_for, scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser

LIST_RELATED = ("customer", "unit", "owner__user", "raised_by__user")


# ---------------------------------------------------------------- access


def case_scope_q(user: AnyUser) -> Q | None:
    """The filter on Case for what `user` may see; None when nothing (see the module's doc)."""
    scope = scope_for(user)
    if scope.reach is Reach.NOTHING:
        return None
    if scope.reach is Reach.EVERYTHING:
        return Q()
    employee = employee_for(user)
    assert employee is not None
    q = (
        scope.q("unit")
        | Q(owner=employee)
        | Q(raised_by=employee)
        | Q(pk__in=Escalation.objects.filter(to=employee).values("case_id"))
    )
    customers = customer_scope_q(user)
    if customers is not None:
        q |= Q(
            audience=Audience.CUSTOMER,
            customer__in=Customer.objects.filter(customers).values("pk"),
        )
    return q


def case_list_visible_to(*, user: AnyUser) -> CaseQuerySet:
    q = case_scope_q(user)
    cases = Case.objects.select_related(*LIST_RELATED)
    return cases.none() if q is None else cases.filter(q)


def case_get_visible_to(
    *, user: AnyUser, pk: int | None = None, external_id: str | None = None
) -> Case:
    """The case, by id or external id, or 404 — also when it exists outside the user's view."""
    if (pk is None) == (external_id is None):
        raise TypeError("give pk or external_id")
    lookup: dict[str, object] = {"pk": pk} if pk is not None else {"external_id": external_id}
    case = case_list_visible_to(user=user).select_related("related_case").filter(**lookup).first()
    if case is None:
        raise Http404("No such case.")
    return case


def case_events(*, case: Case) -> list[CaseEvent]:
    """The case's timeline, oldest first."""
    return list(case.events.select_related("actor__user").order_by("at", "pk"))


def case_commitments(*, case: Case) -> list[Commitment]:
    return list(case.commitments.select_related("made_by__user").order_by("due_at", "pk"))


def case_decisions(*, case: Case) -> list[Decision]:
    return list(case.decisions.select_related("decided_by__user").order_by("decided_at", "pk"))


def case_escalations(*, case: Case) -> list[Escalation]:
    return list(
        case.escalations.select_related(
            "raised_by__user", "to__user", "decided_by__user", "decision"
        ).order_by("raised_at", "pk")
    )


def escalation_get_visible_to(*, user: AnyUser, pk: int) -> Escalation:
    """An escalation on a case the user may see, or 404."""
    visible = case_list_visible_to(user=user)
    escalation = (
        Escalation.objects.select_related("case", "decision", "to__user", "raised_by__user")
        .filter(pk=pk, case__in=visible.values("pk"))
        .first()
    )
    if escalation is None:
        raise Http404("No such escalation.")
    return escalation


def commitment_get(*, case: Case, pk: int) -> Commitment:
    commitment = Commitment.objects.filter(case=case, pk=pk).first()
    if commitment is None:
        raise Http404("No such commitment.")
    commitment.case = case
    return commitment


# ---------------------------------------------------------------- an employee's lists


def cases_owned_by(*, employee: Employee, open_only: bool = True) -> CaseQuerySet:
    """My cases: what the employee owns, the soonest due first (no due date last)."""
    cases = Case.objects.select_related(*LIST_RELATED).filter(owner=employee)
    if open_only:
        cases = cases.open()
    return cases.order_by(F("due_at").asc(nulls_last=True), "pk")


def irritants_raised_by(*, employee: Employee) -> CaseQuerySet:
    """My irritants: what got in the employee's way, newest first, with the case it hurt."""
    return (
        Case.objects.select_related(*LIST_RELATED, "related_case")
        .filter(raised_by=employee, audience=Audience.EMPLOYEE, type=CaseType.IRRITANT)
        .order_by("-opened_at", "-pk")
    )


def escalations_waiting_for(*, employee: Employee) -> QuerySet[Escalation]:
    """Escalations waiting for this manager's decision, the oldest first."""
    return (
        Escalation.objects.select_related(
            "case__unit", "case__customer", "decision", "raised_by__user", "raised_by__unit"
        )
        .filter(to=employee, status=EscalationStatus.PENDING)
        .order_by("raised_at", "pk")
    )


@dataclass(frozen=True)
class OverdueQueue:
    """Open cases past their due date and open commitments past theirs."""

    cases: list[Case]
    commitments: list[Commitment]

    def __len__(self) -> int:
        return len(self.cases) + len(self.commitments)


def _overdue(case_filter: Q, now: dt.datetime | None) -> OverdueQueue:
    now = now or timezone.now()
    cases = (
        Case.objects.select_related(*LIST_RELATED)
        .overdue(now)
        .filter(case_filter)
        .order_by("due_at", "pk")
    )
    commitments = (
        Commitment.objects.select_related(
            "made_by__user", "case__customer", "case__unit", "case__owner__user"
        )
        .filter(done_at__isnull=True, due_at__lt=now)
        .filter(_prefixed(case_filter, "case"))
        .order_by("due_at", "pk")
    )
    return OverdueQueue(list(cases), list(commitments))


def _prefixed(q: Q, prefix: str) -> Q:
    """A filter on Case moved onto a model that reaches the case through `prefix`."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(_prefixed(child, prefix))
        else:
            key, value = cast(tuple[str, Any], child)
            out.children.append((f"{prefix}__{key}", value))
    return out


def overdue_for_employee(*, employee: Employee, now: dt.datetime | None = None) -> OverdueQueue:
    """The employee's overdue queue: the cases they own and the commitments of those cases."""
    return _overdue(Q(owner=employee), now)


def overdue_for_unit(*, user: AnyUser, unit: Unit, now: dt.datetime | None = None) -> OverdueQueue:
    """A unit's overdue queue, its subtree included, as far as the user's scope reaches."""
    scope = scope_for(user)
    if scope.reach is Reach.NOTHING:
        return OverdueQueue([], [])
    return _overdue(Q(unit__path__startswith=unit.path) & scope.q("unit"), now)


# ---------------------------------------------------------------- nothing falls through


def _open_commitment() -> Exists:
    return Exists(Commitment.objects.filter(case=OuterRef("pk"), done_at__isnull=True))


def falling_through(
    *, user: AnyUser, unit: Unit | None = None, now: dt.datetime | None = None
) -> CaseQuerySet:
    """Every open case with no owner, with no next step (no next step written and no open
    commitment), or past its due date — in the units the user may see (`unit`: that subtree).

    Each case carries `is_unowned`, `lacks_next_step` and `is_past_due`; the most overdue first,
    cases with no due date last."""
    now = now or timezone.now()
    scope = scope_for(user)
    cases = scope.filter(Case.objects.open().select_related(*LIST_RELATED), unit_field="unit")
    if unit is not None:
        cases = cases.filter(unit__path__startswith=unit.path)
    unowned = Q(owner__isnull=True)
    no_step = Q(next_step="") & ~Q(_open_commitment())
    late = Q(due_at__lt=now)
    return (
        cases.annotate(
            is_unowned=ExpressionWrapper(unowned, output_field=BooleanField()),
            lacks_next_step=ExpressionWrapper(no_step, output_field=BooleanField()),
            is_past_due=ExpressionWrapper(late, output_field=BooleanField()),
        )
        .filter(unowned | no_step | late)
        .order_by(F("due_at").asc(nulls_last=True), "pk")
    )


# ---------------------------------------------------------------- irritants by process


@dataclass(frozen=True)
class ProcessIrritants:
    """Irritants about one process or tool, and the customer cases they touched."""

    process: str
    irritants: int
    open: int
    cases_touched: int
    complaints_touched: int
    escalated_touched: int
    late_touched: int  # resolved after their due date, or still open past it
    not_first_contact_touched: int


def irritants_by_process(
    *,
    user: AnyUser,
    unit: Unit | None = None,
    since: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> list[ProcessIrritants]:
    """Irritants counted by process, with the outcomes of the customer cases they hurt; the most
    frequent process first. One query."""
    now = now or timezone.now()
    irritants = scope_for(user).filter(
        Case.objects.filter(audience=Audience.EMPLOYEE, type=CaseType.IRRITANT), unit_field="unit"
    )
    if unit is not None:
        irritants = irritants.filter(unit__path__startswith=unit.path)
    if since is not None:
        irritants = irritants.filter(opened_at__gte=since)
    touched = "related_case"
    escalated = Exists(Escalation.objects.filter(case=OuterRef("related_case")))
    late = Q(related_case__due_at__lt=Coalesce(F("related_case__resolved_at"), Value(now)))
    rows = (
        irritants.values("process")
        .annotate(
            n=Count("pk"),
            n_open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            touched=Count(touched, distinct=True),
            complaints=Count(
                touched, filter=Q(related_case__type=CaseType.COMPLAINT), distinct=True
            ),
            escalated=Count(touched, filter=Q(escalated), distinct=True),
            late=Count(touched, filter=late, distinct=True),
            not_fcr=Count(
                touched, filter=Q(related_case__first_contact_resolution=False), distinct=True
            ),
        )
        .order_by("-n", "process")
    )
    return [
        ProcessIrritants(
            process=row["process"],
            irritants=row["n"],
            open=row["n_open"],
            cases_touched=row["touched"],
            complaints_touched=row["complaints"],
            escalated_touched=row["escalated"],
            late_touched=row["late"],
            not_first_contact_touched=row["not_fcr"],
        )
        for row in rows
    ]


# ---------------------------------------------------------------- escalation and FCR by tenure


TENURE_BANDS: tuple[tuple[str, Any, int | None], ...] = (
    # (code, label, upper bound in days of tenure when the case was opened; None = no bound)
    ("under_3_months", gettext_lazy("Under 3 months"), 91),
    ("3_to_12_months", gettext_lazy("3 to 12 months"), 365),
    ("over_1_year", gettext_lazy("Over a year"), None),
)


@dataclass(frozen=True)
class FollowThroughRates:
    """Cases handled by a group of employees: how many went up, how many were resolved at once."""

    key: str
    label: str
    cases: int
    escalated: int
    resolved: int
    first_contact: int

    @property
    def escalation_rate(self) -> float | None:
        return self.escalated / self.cases if self.cases else None

    @property
    def first_contact_rate(self) -> float | None:
        return self.first_contact / self.resolved if self.resolved else None


def _handled_cases(
    user: AnyUser,
    unit: Unit | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    audience: str,
) -> CaseQuerySet:
    cases = scope_for(user).filter(
        Case.objects.filter(audience=audience, raised_by__isnull=False), unit_field="unit"
    )
    if unit is not None:
        cases = cases.filter(unit__path__startswith=unit.path)
    if since is not None:
        cases = cases.filter(opened_at__gte=since)
    if until is not None:
        cases = cases.filter(opened_at__lt=until)
    return cases.annotate(was_escalated=Exists(Escalation.objects.filter(case=OuterRef("pk"))))


def _rates_aggregates() -> dict[str, Any]:
    return {
        "n": Count("pk"),
        "n_escalated": Count("pk", filter=Q(was_escalated=True)),
        "n_resolved": Count("pk", filter=Q(resolved_at__isnull=False)),
        "n_fcr": Count("pk", filter=Q(first_contact_resolution=True)),
    }


def rates_by_tenure(
    *,
    user: AnyUser,
    unit: Unit | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    audience: str = Audience.CUSTOMER,
) -> list[FollowThroughRates]:
    """Escalation rate and first-contact resolution by the tenure of the employee who opened the
    case, at the time they opened it: under 3 months (< 91 days), 3 to 12 months (< 365 days),
    over a year. Every band is listed, empty ones with zeros. One query."""
    tenure = ExpressionWrapper(
        TruncDate("opened_at") - F("raised_by__hire_date"), output_field=DurationField()
    )
    whens = [
        When(tenure__lt=dt.timedelta(days=limit), then=Value(code))
        for code, _label, limit in TENURE_BANDS
        if limit is not None
    ]
    rows = (
        _handled_cases(user, unit, since, until, audience)
        .annotate(tenure=tenure)
        .annotate(band=Switch(*whens, default=Value(TENURE_BANDS[-1][0])))
        .values("band")
        .annotate(**_rates_aggregates())
        .order_by("band")
    )
    found = {row["band"]: row for row in rows}
    empty = {"n": 0, "n_escalated": 0, "n_resolved": 0, "n_fcr": 0}
    return [
        _rates(code, str(label), found.get(code, empty)) for code, label, _limit in TENURE_BANDS
    ]


def rates_by_unit(
    *,
    user: AnyUser,
    unit: Unit | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    audience: str = Audience.CUSTOMER,
) -> list[FollowThroughRates]:
    """Escalation rate and first-contact resolution per unit handling the cases (key: the unit's
    code), for the units with cases, in tree order. One query."""
    rows = (
        _handled_cases(user, unit, since, until, audience)
        .values("unit__code", "unit__name", "unit__path")
        .annotate(**_rates_aggregates())
        .order_by("unit__path")
    )
    return [_rates(row["unit__code"], row["unit__name"], row) for row in rows]


def _rates(key: str, label: str, row: dict[str, Any]) -> FollowThroughRates:
    return FollowThroughRates(
        key=key,
        label=label,
        cases=row["n"],
        escalated=row["n_escalated"],
        resolved=row["n_resolved"],
        first_contact=row["n_fcr"],
    )


# ---------------------------------------------------------------- latitude


def manager_of_unit(
    *, unit: Unit, exclude: Employee | None = None, today: dt.date | None = None
) -> Employee | None:
    """The nearest active manager at or above `unit` (the unit's own, else its parent's...)."""
    return _nearest_manager([*unit.ancestor_paths(), unit.path], exclude, today)


def manager_for(*, employee: Employee, today: dt.date | None = None) -> Employee | None:
    """Whom an employee's escalations go to: the nearest active manager up the tree from their
    unit, never themself. A manager's own escalations go to the manager above their unit."""
    unit = employee.unit
    paths = unit.ancestor_paths()
    if not employee.is_manager:
        paths.append(unit.path)
    return _nearest_manager(paths, employee, today)


def _nearest_manager(
    paths: list[str], exclude: Employee | None, today: dt.date | None
) -> Employee | None:
    managers = Employee.objects.active_on(today or timezone.localdate()).filter(
        is_manager=True, user__is_active=True, unit__path__in=paths
    )
    if exclude is not None:
        managers = managers.exclude(pk=exclude.pk)
    return managers.select_related("user", "unit").order_by("-unit__depth", "pk").first()


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def latitude_allows(*, role: Role, kind: str, amount_eur: Decimal, label: str = "") -> bool:
    """Whether the role's latitude policy lets someone decide this alone. A goodwill gesture is
    allowed up to the role's amount, that amount included."""
    if kind == DecisionKind.GOODWILL:
        return amount_eur <= role.goodwill_max_eur
    if kind == DecisionKind.FEE_WAIVER:
        return role.may_waive_fees
    if kind == DecisionKind.NAMED:
        wanted = _folded(label)
        return bool(wanted) and any(_folded(str(item)) == wanted for item in role.decisions)
    return False


def euros(amount: Decimal) -> str:
    """“50 €”, “49,50 €” (in the active language's format)."""
    decimals = 0 if amount == amount.to_integral_value() else 2
    return _("%(amount)s €") % {"amount": number(amount, decimals)}


def describe_decision(*, kind: str, amount_eur: Decimal, label: str = "") -> str:
    if kind == DecisionKind.GOODWILL:
        return _("Goodwill gesture of %(amount)s") % {"amount": euros(amount_eur)}
    if kind == DecisionKind.FEE_WAIVER:
        if amount_eur:
            return _("Fee waiver of %(amount)s") % {"amount": euros(amount_eur)}
        return _("Fee waiver")
    return label


@dataclass(frozen=True)
class Latitude:
    """What an employee may decide alone, as data and as sentences for the screen."""

    role: str
    goodwill_max_eur: Decimal
    may_waive_fees: bool
    decisions: tuple[str, ...]
    escalates_to: Employee | None = None
    lines: tuple[str, ...] = field(default=())

    @property
    def summary(self) -> str:
        """The headline: “You may grant up to 50 € alone.”"""
        return self.lines[0]

    def rule_for(self, kind: str) -> str:
        if kind == DecisionKind.GOODWILL:
            return self.lines[0]
        if kind == DecisionKind.FEE_WAIVER:
            return self.lines[1]
        return self.lines[2]


def latitude_for(*, employee: Employee, with_manager: bool = True) -> Latitude:
    """The employee's latitude, from their role, in the active language:
    “You may grant up to 50 € alone.” / “Fee waivers go to your manager.” / named decisions /
    who decides beyond that (one query, skipped with `with_manager=False`)."""
    role = employee.role
    limit = role.goodwill_max_eur
    decisions = tuple(str(item) for item in role.decisions)
    lines = [
        _("You may grant up to %(amount)s alone.") % {"amount": euros(limit)}
        if limit > 0
        else _("Every goodwill gesture goes to your manager."),
        _("You may waive fees alone.")
        if role.may_waive_fees
        else _("Fee waivers go to your manager."),
        _("You may also decide alone: %(decisions)s.") % {"decisions": ", ".join(decisions)}
        if decisions
        else _("Other decisions go to your manager."),
    ]
    manager = manager_for(employee=employee) if with_manager else None
    if manager is not None:
        lines.append(_("Beyond that, %(manager)s decides.") % {"manager": manager})
    return Latitude(
        role=role.name,
        goodwill_max_eur=limit,
        may_waive_fees=role.may_waive_fees,
        decisions=decisions,
        escalates_to=manager,
        lines=tuple(lines),
    )


# ---------------------------------------------------------------- the customer screen and page


@dataclass(frozen=True)
class CustomerCases:
    """A customer's open cases and the open commitments made to them."""

    cases: list[Case]
    commitments: list[Commitment]


def customer_open_cases(*, user: AnyUser, customer: Customer) -> CustomerCases:
    """For the screen of a customer the user may see (the caller has checked it, with
    `customers.selectors.customer_get_visible_to`): the customer's open cases, all of which
    whoever may see the customer may see (see the module's doc), and the open commitments of
    those cases. Each case carries `unit_name` and `owner_name` ("" when in the queue).

    Two queries, the second only when there are cases; the access rule is not evaluated a
    second time (with its OR of subqueries, it made this the screen's costliest read under
    load). Written in SQL, as the screen's other reads (`customers.selectors`): on this hot
    path compiling the ORM's query cost more than running it."""
    if scope_for(user).reach is Reach.NOTHING:
        return CustomerCases([], [])
    statuses = sorted(OPEN_STATUSES)
    cases = read_models(
        Case,
        _CUSTOMER_CASES_SQL.format(
            case=Case._meta.db_table,
            unit=Unit._meta.db_table,
            employee=Employee._meta.db_table,
            user=get_user_model()._meta.db_table,
            statuses=", ".join(["%s"] * len(statuses)),
        ),
        [customer.pk, Audience.CUSTOMER.value, *statuses],
    )
    commitments: list[Commitment] = []
    if cases:
        commitments = list(
            Commitment.objects.filter(
                case__in=[case.pk for case in cases], done_at__isnull=True
            ).order_by("due_at", "pk")
        )
    return CustomerCases(cases, commitments)


_CUSTOMER_CASES_SQL = """
SELECT k.*, un.name AS unit_name,
       CASE WHEN e.id IS NULL THEN ''
            ELSE TRIM(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')) END
         AS owner_name
FROM {case} k
JOIN {unit} un ON un.id = k.unit_id
LEFT JOIN {employee} e ON e.id = k.owner_id
LEFT JOIN {user} u ON u.id = e.user_id
WHERE k.customer_id = %s AND k.audience = %s AND k.status IN ({statuses})
ORDER BY CASE WHEN k.due_at IS NULL THEN 1 ELSE 0 END, k.due_at, k.id"""


@dataclass(frozen=True)
class PublicCommitment:
    text: str
    due_at: dt.datetime
    done_at: dt.datetime | None


@dataclass(frozen=True)
class PublicStatus:
    """What a customer is shown of their case: its status and the commitments made to them —
    never internal notes, owners or decisions."""

    reference: str
    subject: str
    type: str
    type_label: str
    status: str
    status_label: str
    is_open: bool
    opened_at: dt.datetime
    due_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    unit_name: str
    commitments: list[PublicCommitment]


def case_public_status(*, case: Case) -> PublicStatus:
    commitments = [
        PublicCommitment(c.text, c.due_at, c.done_at)
        for c in case.commitments.order_by("due_at", "pk")
    ]
    return PublicStatus(
        reference=case.external_id,
        subject=case.subject,
        type=case.type,
        type_label=str(CaseType(case.type).label),
        status=case.status,
        status_label=str(Status(case.status).label),
        is_open=case.is_open,
        opened_at=case.opened_at,
        due_at=case.due_at,
        resolved_at=case.resolved_at,
        closed_at=case.closed_at,
        unit_name=case.unit.name,
        commitments=commitments,
    )

"""What the case pages compose from the engine's selectors, and the few reads they add.

`CasePage` is one case as its page shows it; each part is read when the template first asks
for it, so that an htmx part (the commitments after one was added) reads only what it shows
and the whole page costs a fixed number of queries. The reads added here are the pages' own:
whom a case may be handed to, the processes already named in irritants (offered as choices,
so that the same tool gets the same name and irritants cluster), the buttons of the state
machine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from symetrie.cases import playbooks, selectors
from symetrie.cases.models import (
    TRANSITIONS,
    Case,
    CaseEvent,
    CaseType,
    Commitment,
    Decision,
    Escalation,
    Playbook,
    Status,
)
from symetrie.core.audience import Audience
from symetrie.customers.models import Customer
from symetrie.customers.selectors import serving_unit
from symetrie.org.models import Employee, Unit, UnitKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser

# How long a customer's status link works.
STATUS_LINK_DAYS = 30
# Processes offered on the friction form: the most named ones first.
PROCESS_CHOICES = 12


@dataclass(frozen=True)
class Transition:
    to: str
    label: str | Promise
    primary: bool = False


# The button for each move of the state machine, in the order they are shown.
_BUTTONS: dict[str, str | Promise] = {
    Status.IN_PROGRESS: _("Start working on it"),
    Status.WAITING_CUSTOMER: _("Waiting on the customer"),
    Status.WAITING_TEAM: _("Waiting on another team"),
    Status.RESOLVED: _("Resolve"),
    Status.CLOSED: _("Close"),
}


def transitions_from(status: str) -> list[Transition]:
    """The buttons of a case in `status`: reopening reads as such, resolving comes first."""
    allowed = TRANSITIONS[status]
    reopening = status in (Status.RESOLVED, Status.CLOSED)
    order = [Status.RESOLVED, Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.WAITING_TEAM]
    order.append(Status.CLOSED)
    buttons = []
    for to in order:
        if to not in allowed:
            continue
        label = _("Reopen") if reopening and to == Status.IN_PROGRESS else _BUTTONS[to]
        buttons.append(Transition(to, label, primary=to in (Status.RESOLVED, Status.CLOSED)))
    return buttons


class CasePage:
    """One case (already checked visible to the user), as its page shows it."""

    def __init__(self, *, case: Case, employee: Employee | None) -> None:
        self.case = case
        self.employee = employee

    @cached_property
    def now(self) -> dt.datetime:
        return timezone.now()

    @property
    def can_act(self) -> bool:
        return self.employee is not None

    @property
    def is_customer_case(self) -> bool:
        return self.case.audience == Audience.CUSTOMER

    @property
    def is_overdue(self) -> bool:
        due = self.case.due_at
        return self.case.is_open and due is not None and due < self.now

    @cached_property
    def transitions(self) -> list[Transition]:
        return transitions_from(self.case.status)

    @cached_property
    def events(self) -> list[CaseEvent]:
        return selectors.case_events(case=self.case)

    @cached_property
    def commitments(self) -> list[Commitment]:
        return selectors.case_commitments(case=self.case)

    @property
    def open_commitments(self) -> list[Commitment]:
        return [commitment for commitment in self.commitments if not commitment.is_done]

    @cached_property
    def decisions(self) -> list[Decision]:
        return selectors.case_decisions(case=self.case)

    @cached_property
    def escalations(self) -> list[Escalation]:
        return selectors.case_escalations(case=self.case)

    @cached_property
    def pending_escalations(self) -> list[Escalation]:
        return [e for e in self.escalations if e.status == "pending"]

    @cached_property
    def latitude(self) -> selectors.Latitude | None:
        if self.employee is None:
            return None
        return selectors.latitude_for(employee=self.employee)

    @cached_property
    def playbooks(self) -> list[Playbook]:
        return playbooks.playbook_suggest(case=self.case, language=playbooks.language_for())

    @cached_property
    def irritants(self) -> list[Case]:
        return list(self.case.irritants.order_by("-opened_at", "-pk"))

    @cached_property
    def processes(self) -> list[str]:
        return process_choices()

    @cached_property
    def targets(self) -> HandoffTargets:
        """Whom the acting employee may hand the case to (nobody, for someone who only reads)."""
        if self.employee is None:
            return HandoffTargets([], [])
        return handoff_targets(employee=self.employee)


@dataclass(frozen=True)
class HandoffTargets:
    units: list[Unit]
    employees: list[Employee]


def handoff_targets(*, employee: Employee, today: dt.date | None = None) -> HandoffTargets:
    """Whom a case may be handed to from this employee's desk: every head-office department
    and team (back offices, the contact centre...), the employee's own agency or store with its
    teams, and the agencies next to it; colleagues of that agency (or department) by name.
    Bounded whatever the network's size; two queries."""
    home = serving_unit(employee.unit)
    near = Q(path__startswith=home.path)
    if home.parent_id is not None:
        near |= Q(parent_id=home.parent_id, kind__in=(UnitKind.AGENCY, UnitKind.STORE))
    units = list(
        Unit.objects.filter(near | Q(kind__in=(UnitKind.DEPARTMENT, UnitKind.TEAM), depth__lte=2))
        .exclude(kind=UnitKind.COMPANY)
        .order_by("path")
    )
    colleagues = list(
        Employee.objects.active_on(today or timezone.localdate())
        .filter(unit__path__startswith=home.path, user__is_active=True)
        .exclude(pk=employee.pk)
        .select_related("user", "unit")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    return HandoffTargets(units, colleagues)


def process_choices(*, limit: int = PROCESS_CHOICES) -> list[str]:
    """The processes and tools irritants already name, the most named first (one query)."""
    rows = (
        Case.objects.filter(audience=Audience.EMPLOYEE, type=CaseType.IRRITANT)
        .exclude(process="")
        .values("process")
        .annotate(n=Count("pk"))
        .order_by("-n", "process")[:limit]
    )
    return [row["process"] for row in rows]


class CustomerPanel:
    """The cases slot of a customer's screen: their open cases and the commitments made to
    them (read when shown: a partial render of the screen that does not show them reads
    nothing), for a user already allowed to see the customer."""

    def __init__(self, *, user: AnyUser, customer: Customer) -> None:
        self.user = user
        self.customer = customer

    @cached_property
    def now(self) -> dt.datetime:
        return timezone.now()

    @cached_property
    def _data(self) -> selectors.CustomerCases:
        return selectors.customer_open_cases(user=self.user, customer=self.customer)

    @property
    def cases(self) -> list[Case]:
        return self._data.cases

    @property
    def commitments(self) -> list[Commitment]:
        return self._data.commitments

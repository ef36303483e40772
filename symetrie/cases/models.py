"""One case engine for both audiences: customer requests and complaints, employee irritants.

A case has an explicit state machine (see `TRANSITIONS`), a due date from an SLA policy in
business hours, commitments made to the customer, handoffs with a context note, escalations
with a reason, decisions checked against the role's latitude, and every change kept as an
event. Playbooks and the onboarding path live here too: they guide how cases are handled.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from symetrie.core.audience import Audience
from symetrie.customers.models import Channel, Customer
from symetrie.org.models import Employee, Unit


class CaseType(models.TextChoices):
    REQUEST = "request", _("Request")
    COMPLAINT = "complaint", _("Complaint")
    INFORMATION = "information", _("Information")
    IRRITANT = "irritant", _("Irritant")
    INTERNAL_REQUEST = "internal_request", _("Internal request")


# Which types each audience may raise.
TYPES_BY_AUDIENCE: dict[str, frozenset[str]] = {
    Audience.CUSTOMER: frozenset({CaseType.REQUEST, CaseType.COMPLAINT, CaseType.INFORMATION}),
    Audience.EMPLOYEE: frozenset({CaseType.IRRITANT, CaseType.INTERNAL_REQUEST}),
}


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting on the customer")
    WAITING_TEAM = "waiting_team", _("Waiting on another team")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = frozenset(
    {Status.NEW, Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.WAITING_TEAM}
)

# The state machine. Reopening (resolved/closed → in progress) is an allowed transition too,
# recorded as a "reopened" event.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.WAITING_TEAM, Status.RESOLVED}
    ),
    Status.IN_PROGRESS: frozenset({Status.WAITING_CUSTOMER, Status.WAITING_TEAM, Status.RESOLVED}),
    Status.WAITING_CUSTOMER: frozenset({Status.IN_PROGRESS, Status.RESOLVED}),
    Status.WAITING_TEAM: frozenset({Status.IN_PROGRESS, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
}


class SlaPolicy(models.Model):
    """How long a case of a type and priority may take, in business hours."""

    type = models.CharField(_("type"), max_length=20, choices=CaseType.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    resolution_hours = models.PositiveIntegerField(_("resolution time (business hours)"))

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(fields=["type", "priority"], name="sla_one_per_type_priority")
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_type_display()} / {self.get_priority_display()}: {self.resolution_hours} h"
        )


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: object = None) -> CaseQuerySet:
        return self.open().filter(due_at__lt=now or timezone.now())


class Case(models.Model):
    """A customer's request or complaint, or an employee's irritant or internal request."""

    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    type = models.CharField(_("type"), max_length=20, choices=CaseType.choices)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    # For employee cases: who raised it. For customer cases: the employee who opened it.
    raised_by = models.ForeignKey(
        Employee,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_raised",
    )
    # The unit responsible: access by tree, overdue queue per unit.
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cases"
    )
    owner = models.ForeignKey(
        Employee,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_owned",
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    # Irritants name the internal process or tool that got in the way.
    process = models.CharField(_("process or tool"), max_length=120, blank=True)
    # An irritant flagged from a customer case points at the case it hurt.
    related_case = models.ForeignKey(
        "self",
        verbose_name=_("related case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="irritants",
    )
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Resolved by whoever opened it, with no handoff nor escalation: first-contact resolution.
    first_contact_resolution = models.BooleanField(_("resolved at first contact"), null=True)
    # Reminders already sent, so that a re-run of the reminder task sends none twice.
    reminded_before_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["unit", "status", "due_at"], name="case_unit_queue"),
            models.Index(fields=["owner", "status", "due_at"], name="case_owner_queue"),
            models.Index(fields=["customer", "-opened_at"], name="case_customer"),
            models.Index(fields=["audience", "process"], name="case_audience_process"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience=Audience.EMPLOYEE) | Q(customer__isnull=False),
                name="case_customer_audience_has_customer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} · {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EventKind(models.TextChoices):
    CREATED = "created", _("Opened")
    STATUS = "status", _("Status changed")
    REOPENED = "reopened", _("Reopened")
    ASSIGNED = "assigned", _("Assigned")
    HANDOFF = "handoff", _("Handed off")
    ESCALATED = "escalated", _("Escalated")
    ESCALATION_DECIDED = "escalation_decided", _("Escalation decided")
    COMMITMENT_ADDED = "commitment_added", _("Commitment made")
    COMMITMENT_DONE = "commitment_done", _("Commitment kept")
    DECISION = "decision", _("Decision")
    NOTE = "note", _("Note")
    NEXT_STEP = "next_step", _("Next step")
    FRICTION = "friction", _("Friction flagged")
    REMINDER = "reminder", _("Reminder sent")


class CaseEvent(models.Model):
    """Every change to a case, kept: who, when, what, and the note that goes with it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    # Imported events keep their source id, so that a re-import changes nothing.
    external_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        Employee,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_timeline")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class Commitment(models.Model):
    """A promise made to the customer (“I call you back Thursday”), with its due date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="commitments")
    text = models.CharField(_("commitment"), max_length=200)
    due_at = models.DateTimeField(_("due"))
    made_by = models.ForeignKey(
        Employee, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(_("made"), default=timezone.now)
    done_at = models.DateTimeField(_("kept"), null=True, blank=True)
    reminded_before_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(
                fields=["due_at"], name="commitment_open_due", condition=Q(done_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class DecisionKind(models.TextChoices):
    GOODWILL = "goodwill", _("Goodwill gesture")
    FEE_WAIVER = "fee_waiver", _("Fee waiver")
    NAMED = "named", _("Other decision")


class DecisionStatus(models.TextChoices):
    DONE = "done", _("Done (within latitude)")
    ESCALATED = "escalated", _("Escalated")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Decision(models.Model):
    """A decision taken on a case, checked against the role's latitude policy."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("kind"), max_length=12, choices=DecisionKind.choices)
    amount_eur = models.DecimalField(
        _("amount (€)"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    label = models.CharField(_("decision"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        Employee, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("when"), default=timezone.now)
    within_latitude = models.BooleanField(_("within latitude"))
    status = models.CharField(_("status"), max_length=10, choices=DecisionStatus.choices)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_eur or self.label}"


class EscalationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Escalation(models.Model):
    """A case sent up to a manager, with a reason (and the decision asked for, if any)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    decision = models.OneToOneField(
        Decision, on_delete=models.CASCADE, null=True, blank=True, related_name="escalation"
    )
    reason = models.TextField(_("reason"))
    raised_by = models.ForeignKey(
        Employee, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    to = models.ForeignKey(
        Employee,
        verbose_name=_("sent to"),
        on_delete=models.PROTECT,
        related_name="escalations_received",
    )
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EscalationStatus.choices,
        default=EscalationStatus.PENDING,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        Employee,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["to", "status"], name="escalation_inbox")]

    def __str__(self) -> str:
        return f"{self.case} → {self.to}"


class Playbook(models.Model):
    """A short guide for a common situation, per audience and language.

    It says what to do and what the employee may decide alone; it is suggested on a case by the
    case's type and words, and the onboarding path orders the ones a new hire learns first.
    """

    slug = models.SlugField(_("code"), max_length=80)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    language = models.CharField(_("language"), max_length=2, default="fr")
    title = models.CharField(_("title"), max_length=200)
    situation = models.TextField(_("situation"))
    steps = models.TextField(_("what to do"))
    latitude = models.TextField(_("what you may decide alone"), blank=True)
    case_types = models.JSONField(_("suggested for case types"), default=list, blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    # Position in the onboarding path; null when not part of it.
    onboarding_rank = models.PositiveSmallIntegerField(_("onboarding order"), null=True, blank=True)

    class Meta:
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="playbook_slug_language")
        ]

    def __str__(self) -> str:
        return self.title


class OnboardingProgress(models.Model):
    """A playbook an employee has worked through on their onboarding path."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="onboarding")
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(_("completed"), default=timezone.now)

    class Meta:
        verbose_name = _("onboarding step done")
        verbose_name_plural = _("onboarding steps done")
        constraints = [
            models.UniqueConstraint(fields=["employee", "playbook"], name="onboarding_once")
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} · {self.playbook_id}"

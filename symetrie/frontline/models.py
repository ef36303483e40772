"""What the workspace records of its own use: how long each frontline action took."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from symetrie.customers.models import Customer
from symetrie.org.models import Employee, Unit


class ActionKind(models.TextChoices):
    INTERACTION_LOG = "interaction_log", _("Log an interaction")
    HANDOFF_NOTE_ADD = "handoff_note_add", _("Add a handoff note")
    HANDOFF_NOTE_RESOLVE = "handoff_note_resolve", _("Resolve a handoff note")


class ActionTiming(models.Model):
    """One workspace action, from the screen opening to the save: the employee's effort.

    `opened_at` comes from a value the server signed when it rendered the screen, so a client
    cannot shorten (or lengthen) the measure.
    """

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="+"
    )
    # The employee's unit at the time: effort is compared unit by unit, even after a move.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept when the customer is erased: the effort measure does not need to know who it was.
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("action"), max_length=32, choices=ActionKind.choices)
    opened_at = models.DateTimeField(_("screen opened"))
    saved_at = models.DateTimeField(_("saved"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))

    class Meta:
        verbose_name = _("action timing")
        verbose_name_plural = _("action timings")
        constraints = [
            models.CheckConstraint(
                condition=Q(saved_at__gte=F("opened_at")), name="timing_saved_after_opened"
            )
        ]
        indexes = [
            models.Index(fields=["unit", "kind", "saved_at"], name="timing_unit_kind_saved"),
            models.Index(fields=["employee", "saved_at"], name="timing_employee_saved"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.duration_ms} ms"

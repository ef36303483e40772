"""The org tree (units), roles with their latitude policy, and employees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# A unit's path is the chain of its ancestors' ids, each as a fixed-width base-36 segment, so
# that "every unit under X" is one indexed prefix match (materialised path).
PATH_SEGMENT_WIDTH = 7
PATH_SEPARATOR = "/"

unit_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Use letters, digits, dots, dashes and underscores, starting with a letter or digit."),
)


def path_segment(pk: int) -> str:
    """The fixed-width base-36 segment of a unit id in a materialised path."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    n = pk
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out.rjust(PATH_SEGMENT_WIDTH, "0") + PATH_SEPARATOR


class UnitKind(models.TextChoices):
    COMPANY = "company", _("Company")
    REGION = "region", _("Region")
    AREA = "area", _("Area")
    AGENCY = "agency", _("Agency")
    STORE = "store", _("Store")
    DEPARTMENT = "department", _("Department")
    TEAM = "team", _("Team")


class UnitQuerySet(models.QuerySet["Unit"]):
    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        """The unit and everything under it, at any depth."""
        return self.filter(path__startswith=unit.path)

    def roots(self) -> UnitQuerySet:
        return self.filter(parent__isnull=True)


class Unit(models.Model):
    """A node of the org tree: company, region, agency or store, team... of any depth."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[unit_code_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Maintained by services only (org.services), never edited by hand.
    path = models.CharField(max_length=512, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        indexes = [
            # LIKE 'prefix%' uses a b-tree only with pattern ops under a non-C collation.
            models.Index(
                fields=["path"], name="org_unit_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["parent", "name"], name="org_unit_parent_name"),
        ]
        # A constraint rather than `unique=True`: on PostgreSQL the latter also builds its own
        # pattern-ops "_like" index, a twin of org_unit_path_prefix that every move would update.
        constraints = [models.UniqueConstraint(fields=["path"], name="org_unit_path_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def ancestor_paths(self) -> list[str]:
        """Paths of the ancestors, root first (not including the unit itself)."""
        step = PATH_SEGMENT_WIDTH + len(PATH_SEPARATOR)
        return [self.path[:end] for end in range(step, len(self.path), step)]

    def is_within(self, other: Unit) -> bool:
        return self.path.startswith(other.path)


class Role(models.Model):
    """A job role and its latitude policy: what someone in this role may decide alone."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[unit_code_validator])
    name = models.CharField(_("name"), max_length=200)
    is_org_wide = models.BooleanField(
        _("sees the whole organisation"),
        default=False,
        help_text=_("CX/EX lead, HR, executive: access to every unit."),
    )
    goodwill_max_eur = models.DecimalField(
        _("goodwill gesture allowed alone, up to (€)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    may_waive_fees = models.BooleanField(_("may waive fees alone"), default=False)
    decisions = models.JSONField(
        _("other decisions allowed alone"),
        default=list,
        blank=True,
        help_text=_("A list of named decisions, e.g. “postpone an instalment”."),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EmployeeQuerySet(models.QuerySet["Employee"]):
    def active_on(self, day: dt.date) -> EmployeeQuerySet:
        return self.filter(hire_date__lte=day).filter(
            Q(leave_date__isnull=True) | Q(leave_date__gt=day)
        )


class Employee(models.Model):
    """A person working in a unit, with a role; their login is a Django user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="employee"
    )
    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="employees"
    )
    role = models.ForeignKey(
        Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="employees"
    )
    hire_date = models.DateField(_("hire date"))
    leave_date = models.DateField(_("leave date"), null=True, blank=True)
    is_manager = models.BooleanField(_("manages the unit"), default=False)

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["user__last_name", "user__first_name"]
        indexes = [models.Index(fields=["unit", "leave_date"], name="org_employee_unit_leave")]
        constraints = [
            models.CheckConstraint(
                condition=Q(leave_date__isnull=True) | Q(leave_date__gte=models.F("hire_date")),
                name="org_employee_leave_after_hire",
            )
        ]

    def __str__(self) -> str:
        user: User = self.user
        return user.get_full_name() or user.get_username()

    def has_left(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.leave_date is not None and self.leave_date <= today

    def tenure_days(self, today: dt.date | None = None) -> int:
        end = self.leave_date if self.has_left(today) else (today or timezone.localdate())
        assert end is not None
        return max((end - self.hire_date).days, 0)

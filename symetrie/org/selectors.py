"""Scoped reads of the org tree. `scope_for` is THE access rule: every page and endpoint uses it.

- an org-wide role (CX/EX lead, HR, executive) or a superuser sees every unit;
- a manager sees their unit's subtree;
- a frontline employee sees their own unit;
- anyone else (no employee record, or an employee who has left) sees nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from symetrie.core.db import columns_of, read_models
from symetrie.org.models import Employee, EmployeeQuerySet, Role, Unit, UnitQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

QS = TypeVar("QS", bound=QuerySet[Any])


class Reach(enum.Enum):
    NOTHING = "nothing"
    OWN_UNIT = "own_unit"
    SUBTREE = "subtree"
    EVERYTHING = "everything"


class Persona(enum.Enum):
    """Which navigation and home page a user gets; access itself comes from `Scope`."""

    FRONTLINE = "frontline"
    MANAGER = "manager"
    LEAD = "lead"
    NONE = "none"


@dataclass(frozen=True)
class Scope:
    """What a user may see of the org tree, as a filter any unit-bearing queryset can take."""

    reach: Reach
    unit_id: int | None = None
    path: str = ""

    def q(self, unit_field: str = "unit") -> Q:
        """A filter for a model whose unit is reached through `unit_field` ("" = the unit)."""
        prefix = f"{unit_field}__" if unit_field else ""
        if self.reach is Reach.EVERYTHING:
            return Q()
        if self.reach is Reach.SUBTREE:
            return Q(**{f"{prefix}path__startswith": self.path})
        if self.reach is Reach.OWN_UNIT:
            return Q(**{f"{prefix}pk": self.unit_id})
        return Q(pk__in=[])

    def filter(self, queryset: QS, *, unit_field: str = "unit") -> QS:
        if self.reach is Reach.NOTHING:
            return queryset.none()
        return queryset.filter(self.q(unit_field))

    def contains(self, unit: Unit) -> bool:
        if self.reach is Reach.EVERYTHING:
            return True
        if self.reach is Reach.SUBTREE:
            return unit.path.startswith(self.path)
        if self.reach is Reach.OWN_UNIT:
            return unit.pk == self.unit_id
        return False


NO_SCOPE = Scope(Reach.NOTHING)


def employee_for(user: AbstractBaseUser | AnonymousUser) -> Employee | None:
    """The user's employee record (cached on the user object for the request)."""
    if not user.is_authenticated:
        return None
    cached: Employee | Any | None = getattr(user, "_symetrie_employee", ...)
    if cached is ...:
        # `select_related("unit", "role")` written in SQL: every page reads it, and the ORM
        # took twice as long to build the query as PostgreSQL to run it.
        found = read_models(Employee, _employee_sql(), [user.pk], related=_EMPLOYEE_RELATED)
        cached = found[0] if found else None
        setattr(user, "_symetrie_employee", cached)  # noqa: B010 (not a model field)
    return cached


# With the unit's parent: a team's agency, where its members serve customers, is most often
# it (customers.selectors.serving_unit), and would be one more query on every screen.
_EMPLOYEE_RELATED = {"unit": Unit, "role": Role, "unit__parent": Unit}


@functools.cache
def _employee_sql() -> str:
    unit = Unit._meta.db_table
    return (
        f"SELECT {columns_of(Employee, 'e')}, {columns_of(Unit, 'u', related='unit')}, "
        f"{columns_of(Role, 'r', related='role')}, "
        f"{columns_of(Unit, 'p', related='unit__parent')} FROM {Employee._meta.db_table} e "
        f"JOIN {unit} u ON u.id = e.unit_id JOIN {Role._meta.db_table} r ON r.id = e.role_id "
        f"LEFT JOIN {unit} p ON p.id = u.parent_id WHERE e.user_id = %s"
    )


def scope_for(user: AbstractBaseUser | AnonymousUser) -> Scope:
    """The one access rule of the org tree."""
    if not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    if getattr(user, "is_superuser", False):
        return Scope(Reach.EVERYTHING)
    employee = employee_for(user)
    if employee is None or employee.has_left():
        return NO_SCOPE
    if employee.role.is_org_wide:
        return Scope(Reach.EVERYTHING)
    if employee.is_manager:
        return Scope(Reach.SUBTREE, unit_id=employee.unit_id, path=employee.unit.path)
    return Scope(Reach.OWN_UNIT, unit_id=employee.unit_id, path=employee.unit.path)


def persona_for(user: AbstractBaseUser | AnonymousUser) -> Persona:
    if not user.is_authenticated:
        return Persona.NONE
    if getattr(user, "is_superuser", False):
        return Persona.LEAD
    employee = employee_for(user)
    if employee is None or employee.has_left():
        return Persona.NONE
    if employee.role.is_org_wide:
        return Persona.LEAD
    return Persona.MANAGER if employee.is_manager else Persona.FRONTLINE


def unit_list_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> UnitQuerySet:
    return scope_for(user).filter(Unit.objects.all(), unit_field="")


def unit_get_visible_to(*, user: AbstractBaseUser | AnonymousUser, code: str) -> Unit:
    """The unit with this code, or 404 — also when it exists outside the user's scope."""
    unit = unit_list_visible_to(user=user).select_related("parent").filter(code=code).first()
    if unit is None:
        raise Http404("No such unit.")
    return unit


def unit_roots_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Unit]:
    """The top of what the user sees: the tree's roots, or the user's own unit."""
    scope = scope_for(user)
    units = Unit.objects.all()
    if scope.reach is Reach.EVERYTHING:
        units = units.roots()
    elif scope.reach is Reach.NOTHING:
        units = units.none()
    else:
        units = units.filter(pk__in=[scope.unit_id])
    return with_child_counts(units, scope=scope)


def unit_children_visible_to(
    *, user: AbstractBaseUser | AnonymousUser, unit: Unit
) -> QuerySet[Unit]:
    scope = scope_for(user)
    return with_child_counts(
        scope.filter(Unit.objects.filter(parent=unit), unit_field=""), scope=scope
    )


def unit_ancestors_visible_to(*, user: AbstractBaseUser | AnonymousUser, unit: Unit) -> list[Unit]:
    """Breadcrumbs: the unit's ancestors that the user may see, root first."""
    paths = unit.ancestor_paths()
    return list(unit_list_visible_to(user=user).filter(path__in=paths).order_by("depth"))


def with_child_counts(units: QuerySet[Unit], *, scope: Scope) -> QuerySet[Unit]:
    """Units with how many children each has *that the scope covers*: a frontline employee's
    unit shows no sub-units to drill into, rather than a count of units they cannot open."""
    visible = None if scope.reach is Reach.EVERYTHING else scope.q("children")
    return units.annotate(child_count=Count("children", filter=visible, distinct=True)).order_by(
        "name"
    )


def employee_list_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> EmployeeQuerySet:
    return scope_for(user).filter(
        Employee.objects.select_related("user", "unit", "role"), unit_field="unit"
    )


def employee_get_visible_to(
    *, user: AbstractBaseUser | AnonymousUser, external_id: str
) -> Employee:
    employee = employee_list_visible_to(user=user).filter(external_id=external_id).first()
    if employee is None:
        raise Http404("No such employee.")
    return employee


def unit_headcount_visible_to(
    *, user: AbstractBaseUser | AnonymousUser, unit: Unit
) -> dict[str, int]:
    """Headcounts of the unit's subtree, counting only the people the user may see (a frontline
    employee's figures are their own unit's, not those of teams under it)."""
    return unit_headcount(unit=unit, scope=scope_for(user))


def unit_headcount(
    *, unit: Unit, subtree: bool = True, scope: Scope | None = None
) -> dict[str, int]:
    """Active headcount, managers, and leavers in the last 365 days, in the unit or its subtree."""
    today = timezone.localdate()
    employees = Employee.objects.filter(
        Q(unit__path__startswith=unit.path) if subtree else Q(unit=unit)
    )
    if scope is not None:
        employees = scope.filter(employees, unit_field="unit")
    year_ago = today - dt.timedelta(days=365)
    present = Q(hire_date__lte=today) & (Q(leave_date__isnull=True) | Q(leave_date__gt=today))
    counts: dict[str, int] = employees.aggregate(
        active=Count("pk", filter=present),
        managers=Count("pk", filter=present & Q(is_manager=True)),
        leavers=Count("pk", filter=Q(leave_date__gt=year_ago, leave_date__lte=today)),
        hires=Count("pk", filter=Q(hire_date__gt=year_ago, hire_date__lte=today)),
    )
    return counts


def turnover_rate(counts: dict[str, int]) -> float | None:
    """Leavers over the year divided by the average of the headcounts a year ago and now."""
    now = counts["active"]
    year_ago = now - counts["hires"] + counts["leavers"]
    average = (now + year_ago) / 2
    return counts["leavers"] / average if average else None


def unit_home_for(*, user: AbstractBaseUser | AnonymousUser) -> Unit | None:
    """The unit a user's home page is about: their own, or the top of the tree for a lead."""
    scope = scope_for(user)
    if scope.reach is Reach.EVERYTHING:
        return Unit.objects.roots().order_by("name").first()
    if scope.reach is Reach.NOTHING:
        return None
    employee = employee_for(user)
    return employee.unit if employee is not None else None


def unit_matching(query: str) -> Q:
    """Units whose name contains the query or whose code is the query (pages and API alike)."""
    return Q(name__icontains=query) | Q(code__iexact=query)


def employee_matching(query: str) -> Q:
    """People whose name or e-mail contains the query, or whose external id is the query."""
    return (
        Q(user__first_name__icontains=query)
        | Q(user__last_name__icontains=query)
        | Q(user__email__icontains=query)
        | Q(external_id__iexact=query)
    )


def unit_search_visible_to(*, user: AbstractBaseUser | AnonymousUser, query: str) -> QuerySet[Unit]:
    """Units matching the query, within scope, the highest in the tree first."""
    return unit_list_visible_to(user=user).filter(unit_matching(query)).order_by("depth", "name")


def employee_list_in_unit_visible_to(
    *,
    user: AbstractBaseUser | AnonymousUser,
    unit: Unit,
    query: str = "",
    status: str = "active",
) -> QuerySet[Employee]:
    """A unit's employees, its subtree included, as the user may see them."""
    today = timezone.localdate()
    employees = employee_list_visible_to(user=user).filter(unit__path__startswith=unit.path)
    if status == "active":
        employees = employees.active_on(today)
    elif status == "left":
        employees = employees.filter(leave_date__lte=today)
    if query:
        employees = employees.filter(employee_matching(query))
    return employees.order_by("user__last_name", "user__first_name", "pk")

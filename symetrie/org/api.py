"""Org endpoints: units, roles, employees — list, read, bulk upsert."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from symetrie.core.bulk import BulkOut, require_org_admin, run_bulk
from symetrie.org import selectors
from symetrie.org.models import Employee, Role, Unit

router = Router(tags=["org"])


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    parent_code: str | None
    depth: int

    @staticmethod
    def resolve_parent_code(unit: Unit) -> str | None:
        return unit.parent.code if unit.parent is not None else None


class RoleOut(Schema):
    code: str
    name: str
    org_wide: bool
    goodwill_max_eur: Decimal
    fee_waiver: bool
    decisions: list[str]

    @staticmethod
    def resolve_org_wide(role: Role) -> bool:
        return role.is_org_wide

    @staticmethod
    def resolve_fee_waiver(role: Role) -> bool:
        return role.may_waive_fees


class EmployeeOut(Schema):
    external_id: str
    email: str
    first_name: str
    last_name: str
    unit_code: str
    role: str
    hire_date: dt.date
    leave_date: dt.date | None
    is_manager: bool

    @staticmethod
    def resolve_email(employee: Employee) -> str:
        return employee.user.email

    @staticmethod
    def resolve_first_name(employee: Employee) -> str:
        return employee.user.first_name

    @staticmethod
    def resolve_last_name(employee: Employee) -> str:
        return employee.user.last_name

    @staticmethod
    def resolve_unit_code(employee: Employee) -> str:
        return employee.unit.code

    @staticmethod
    def resolve_role(employee: Employee) -> str:
        return employee.role.code


@router.get("/units", response=list[UnitOut])
@paginate(LimitOffsetPagination)
def units_list(
    request: HttpRequest,
    kind: str | None = None,
    parent: str | None = None,
    under: str | None = None,
    q: str | None = None,
) -> Any:
    """Units the caller may see. `parent`: direct children of a unit; `under`: its subtree;
    `q`: a part of the name, or the exact code. A unit named in `parent` or `under` that the
    caller may not see answers 404."""
    units = selectors.unit_list_visible_to(user=request.user).select_related("parent")
    if kind:
        units = units.filter(kind=kind)
    if parent:
        units = units.filter(parent=selectors.unit_get_visible_to(user=request.user, code=parent))
    if under:
        units = units.subtree_of(selectors.unit_get_visible_to(user=request.user, code=under))
    if q:
        units = units.filter(selectors.unit_matching(q))
    return units.order_by("path")


@router.post("/units/bulk", response=BulkOut)
def units_bulk(request: HttpRequest, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Create or update units by code (`code, name, kind, parent_code`)."""
    require_org_admin(request, "org.change_unit")
    return run_bulk("units", records)


@router.get("/units/{code}", response=UnitOut)
def units_read(request: HttpRequest, code: str) -> Unit:
    return selectors.unit_get_visible_to(user=request.user, code=code)


@router.get("/roles", response=list[RoleOut])
@paginate(LimitOffsetPagination)
def roles_list(request: HttpRequest) -> Any:
    """Roles and their latitude; like the rest of the org, nothing for a user with no scope."""
    if selectors.scope_for(request.user).reach is selectors.Reach.NOTHING:
        return Role.objects.none()
    return Role.objects.order_by("code")


@router.post("/roles/bulk", response=BulkOut)
def roles_bulk(request: HttpRequest, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Create or update roles and their latitude by code."""
    require_org_admin(request, "org.change_role")
    return run_bulk("roles", records)


@router.get("/employees", response=list[EmployeeOut])
@paginate(LimitOffsetPagination)
def employees_list(
    request: HttpRequest,
    unit: str | None = None,
    under: str | None = None,
    role: str | None = None,
    is_manager: bool | None = None,
    active: bool | None = None,
    q: str | None = None,
) -> Any:
    """Employees the caller may see. `unit`: that unit only; `under`: its whole subtree;
    `active`: present today or not; `q`: a part of the name or e-mail, or the exact external id.
    A unit named in `unit` or `under` that the caller may not see answers 404."""
    employees = selectors.employee_list_visible_to(user=request.user)
    if unit:
        employees = employees.filter(
            unit=selectors.unit_get_visible_to(user=request.user, code=unit)
        )
    if under:
        found = selectors.unit_get_visible_to(user=request.user, code=under)
        employees = employees.filter(unit__path__startswith=found.path)
    if role:
        employees = employees.filter(role__code=role)
    if is_manager is not None:
        employees = employees.filter(is_manager=is_manager)
    if active is not None:
        present = employees.active_on(timezone.localdate())
        employees = present if active else employees.exclude(pk__in=present.values("pk"))
    if q:
        employees = employees.filter(selectors.employee_matching(q))
    return employees.order_by("external_id")


@router.post("/employees/bulk", response=BulkOut)
def employees_bulk(request: HttpRequest, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Create or update employees by external id (columns of the `employees` import)."""
    require_org_admin(request, "org.change_employee")
    return run_bulk("employees", records)


@router.get("/employees/{external_id}", response=EmployeeOut)
def employees_read(request: HttpRequest, external_id: str) -> Employee:
    return selectors.employee_get_visible_to(user=request.user, external_id=external_id)

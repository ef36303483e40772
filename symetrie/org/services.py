"""Writes to the org tree, roles and employees. Paths and depths are maintained here only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from symetrie.core.db import update_many
from symetrie.core.importing import BatchResult, Line
from symetrie.org.models import Employee, Role, Unit, path_segment

User = get_user_model()

MAX_DEPTH = 60


@dataclass(frozen=True)
class UnitRecord:
    code: str
    name: str
    kind: str
    parent_code: str


@dataclass(frozen=True)
class RoleRecord:
    code: str
    name: str
    is_org_wide: bool
    goodwill_max_eur: Decimal
    may_waive_fees: bool
    decisions: tuple[str, ...]


@dataclass(frozen=True)
class EmployeeRecord:
    external_id: str
    email: str
    first_name: str
    last_name: str
    unit_code: str
    role_code: str
    hire_date: dt.date
    leave_date: dt.date | None
    is_manager: bool


# ---------------------------------------------------------------- units, one at a time


@transaction.atomic
def unit_create(*, code: str, name: str, kind: str, parent: Unit | None = None) -> Unit:
    unit = Unit(code=code, name=name, kind=kind, parent=parent, path=f"~new/{code}")
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = (parent.path if parent else "") + path_segment(unit.pk)
    unit.depth = parent.depth + 1 if parent else 0
    if unit.depth > MAX_DEPTH:
        raise ValidationError(
            {"parent": _("The tree may not be deeper than %d levels.") % MAX_DEPTH}
        )
    unit.save(update_fields=["path", "depth"])
    return unit


@transaction.atomic
def unit_move(*, unit: Unit, new_parent: Unit | None) -> Unit:
    """Move a unit and its whole subtree under another parent, in one UPDATE."""
    # Lock the moved unit and its new parent so concurrent moves cannot build a cycle.
    ids = sorted({unit.pk, *([new_parent.pk] if new_parent else [])})
    locked = {u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    unit = locked[unit.pk]
    new_parent = locked[new_parent.pk] if new_parent else None
    if new_parent is not None and new_parent.path.startswith(unit.path):
        raise ValidationError({"parent": _("A unit cannot move under itself or its own subtree.")})
    old_path = unit.path
    new_path = (new_parent.path if new_parent else "") + path_segment(unit.pk)
    delta = (new_parent.depth + 1 if new_parent else 0) - unit.depth
    deepest = Unit.objects.subtree_of(unit).order_by("-depth").values_list("depth", flat=True)[0]
    if deepest + delta > MAX_DEPTH:
        raise ValidationError(
            {"parent": _("The tree may not be deeper than %d levels.") % MAX_DEPTH}
        )
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
        depth=F("depth") + delta,
    )
    unit.refresh_from_db()
    return unit


def unit_paths_rebuild() -> int:
    """Recompute every unit's path and depth from the parent links; returns how many changed.

    Used after bulk writes where parents may be set in any order. Runs in the caller's
    transaction; the cost is one pass over the units (thousands), not per query. Refuses, before
    writing anything, a cycle or a tree deeper than MAX_DEPTH (whose paths would not fit).
    """
    rows = list(Unit.objects.values_list("pk", "parent_id", "path", "depth"))
    children: dict[int | None, list[int]] = {}
    for pk, parent_id, _path, _depth in rows:
        children.setdefault(parent_id, []).append(pk)
    computed: dict[int, tuple[str, int]] = {}
    stack = [(pk, "", 0) for pk in children.get(None, [])]
    while stack:
        pk, prefix, depth = stack.pop()
        path = prefix + path_segment(pk)
        computed[pk] = (path, depth)
        stack.extend((child, path, depth + 1) for child in children.get(pk, []))
    if len(computed) != len(rows):
        raise ValidationError(_("The org tree has a cycle."))
    if any(depth > MAX_DEPTH for _path, depth in computed.values()):
        raise ValidationError(_("The tree may not be deeper than %d levels.") % MAX_DEPTH)
    changed = [
        Unit(pk=pk, path=computed[pk][0], depth=computed[pk][1])
        for pk, _parent, path, depth in rows
        if computed[pk] != (path, depth)
    ]
    update_many(changed, ["path", "depth"])
    return len(changed)


# ---------------------------------------------------------------- units, in bulk


def unit_upsert_many(lines: Sequence[Line[UnitRecord]]) -> BatchResult:
    """Create or update units by code; parents may come after their children, or already exist.

    Rows that would make a cycle, name an unknown parent, go deeper than MAX_DEPTH, or hang
    under a rejected row are rejected with the reason; the rest are written, and paths rebuilt,
    in the caller's transaction.
    """
    result = BatchResult()
    existing = {unit.code: unit for unit in Unit.objects.select_for_update().order_by("pk")}
    code_by_id = {unit.pk: code for code, unit in existing.items()}
    current_parent = {
        code: code_by_id.get(unit.parent_id, "") if unit.parent_id else ""
        for code, unit in existing.items()
    }
    parent_of = dict(current_parent)
    pending = {line.record.code: line for line in lines}
    parent_of.update({code: line.record.parent_code for code, line in pending.items()})

    rejected_at: dict[str, int] = {}

    def drop(code: str, reason: str) -> None:
        line = pending.pop(code)
        rejected_at[code] = line.number
        result.reject(line, "parent_code", reason)
        # Fall back to what the database had, if anything.
        if code in existing:
            parent_of[code] = current_parent[code]
        else:
            parent_of.pop(code, None)

    changed = True
    while changed:
        changed = False
        for code, line in list(pending.items()):
            parent = line.record.parent_code
            if not parent:
                continue
            if parent == code:
                drop(code, _("a unit cannot be its own parent"))
            elif parent not in parent_of and parent in rejected_at:
                drop(
                    code,
                    _("its parent “%(code)s” was rejected (line %(line)d)")
                    % {"code": parent, "line": rejected_at[parent]},
                )
            elif parent not in parent_of:
                drop(
                    code,
                    _("unknown unit “%(code)s” (not in the file nor in the database)")
                    % {"code": parent},
                )
            else:
                cycle = _cycle_through(code, parent_of)
                if cycle:
                    for member in cycle:
                        if member in pending:
                            drop(
                                member,
                                _("makes a cycle: %(cycle)s")
                                % {"cycle": " → ".join([*cycle, cycle[0]])},
                            )
                else:
                    continue
            changed = True
            break
        if not changed:
            too_deep = _first_too_deep(parent_of, pending, current_parent)
            if too_deep is not None:
                drop(*too_deep)
                changed = True

    created: list[Unit] = []
    updated: list[Unit] = []
    for code, line in pending.items():
        record = line.record
        unit = existing.get(code)
        if unit is None:
            unit = Unit(code=code, name=record.name, kind=record.kind, path=f"~new/{code}")
            created.append(unit)
            existing[code] = unit
        elif (unit.name, unit.kind, current_parent[code]) != (
            record.name,
            record.kind,
            record.parent_code,
        ):
            unit.name, unit.kind = record.name, record.kind
            updated.append(unit)
        else:
            result.counts.unchanged += 1
    Unit.objects.bulk_create(created, batch_size=1000)
    for unit in created + updated:
        parent_code = pending[unit.code].record.parent_code
        unit.parent = existing[parent_code] if parent_code else None
    update_many(created + updated, ["name", "kind", "parent"])
    result.counts.created += len(created)
    result.counts.updated += len(updated)
    unit_paths_rebuild()
    return result


def _first_too_deep(
    parent_of: dict[str, str],
    pending: dict[str, Line[UnitRecord]],
    current_parent: dict[str, str],
) -> tuple[str, str] | None:
    """The row, first in the file, that puts a unit deeper than MAX_DEPTH, and why.

    A unit too deep is blamed on the nearest row at or above it that places a unit: a new unit,
    or one given another parent. `parent_of` must hold no cycle and no unknown parent.
    """
    depth: dict[str, int] = {}
    culprits: dict[str, str] = {}
    for code in parent_of:
        chain = []
        current = code
        while current and current not in depth:
            chain.append(current)
            current = parent_of.get(current, "")
        level = depth[current] if current else -1
        for member in reversed(chain):
            level += 1
            depth[member] = level
        if depth[code] <= MAX_DEPTH:
            continue
        placed = code
        while placed and not (
            placed in pending and current_parent.get(placed) != parent_of[placed]
        ):
            placed = parent_of.get(placed, "")
        if placed == code:
            culprits[code] = _("would be deeper than %(max)d levels") % {"max": MAX_DEPTH}
        elif placed:
            culprits.setdefault(
                placed,
                _("would take the units under it deeper than %(max)d levels") % {"max": MAX_DEPTH},
            )
    if not culprits:
        return None
    first = min(culprits, key=lambda code: pending[code].number)
    return first, culprits[first]


def _cycle_through(code: str, parent_of: dict[str, str]) -> list[str]:
    """The cycle that `code`'s chain of parents runs into, if it comes back to `code`."""
    chain = [code]
    seen = {code}
    current = parent_of.get(code, "")
    while current:
        if current == code:
            return chain
        if current in seen:
            return []  # a cycle above, not through this unit: reported for its own members
        chain.append(current)
        seen.add(current)
        current = parent_of.get(current, "")
    return []


# ---------------------------------------------------------------- roles


def role_upsert_many(lines: Sequence[Line[RoleRecord]]) -> BatchResult:
    result = BatchResult()
    codes = [line.record.code for line in lines]
    existing = {role.code: role for role in Role.objects.filter(code__in=codes)}
    created: list[Role] = []
    updated: list[Role] = []
    fields = ["name", "is_org_wide", "goodwill_max_eur", "may_waive_fees", "decisions"]
    for line in lines:
        record = line.record
        values = {
            "name": record.name,
            "is_org_wide": record.is_org_wide,
            "goodwill_max_eur": record.goodwill_max_eur,
            "may_waive_fees": record.may_waive_fees,
            "decisions": list(record.decisions),
        }
        role = existing.get(record.code)
        if role is None:
            created.append(Role(code=record.code, **values))
        elif any(getattr(role, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(role, name, value)
            updated.append(role)
        else:
            result.counts.unchanged += 1
    Role.objects.bulk_create(created)
    update_many(updated, fields)
    result.counts.created += len(created)
    result.counts.updated += len(updated)
    return result


# ---------------------------------------------------------------- employees


def employee_upsert_many(
    lines: Sequence[Line[EmployeeRecord]], *, today: dt.date | None = None
) -> BatchResult:
    """Create or update employees (and their user accounts) by external id.

    A new account has no usable password until its owner sets one; an employee whose leave
    date has passed cannot log in.
    """
    today = today or timezone.localdate()
    result = BatchResult()
    records = [line.record for line in lines]
    units = dict(
        Unit.objects.filter(code__in={r.unit_code for r in records}).values_list("code", "pk")
    )
    roles = dict(
        Role.objects.filter(code__in={r.role_code for r in records}).values_list("code", "pk")
    )
    existing = {
        e.external_id: e
        for e in Employee.objects.select_related("user")
        .select_for_update()
        .filter(external_id__in=[r.external_id for r in records])
        .order_by("pk")
    }
    emails = {r.email for r in records}
    taken: dict[str, str | None] = dict(
        User.objects.filter(username__in=emails).values_list("username", "employee__external_id")
    )
    new_users: list[tuple[Line[EmployeeRecord], Any]] = []
    changed_users: list[Any] = []
    changed_employees: list[Employee] = []
    for line in lines:
        record = line.record
        if record.unit_code not in units:
            result.reject(
                line, "unit_code", _("unknown unit “%(code)s”") % {"code": record.unit_code}
            )
            continue
        if record.role_code not in roles:
            result.reject(line, "role", _("unknown role “%(code)s”") % {"code": record.role_code})
            continue
        owner = taken.get(record.email, ...)
        if owner is not ... and owner != record.external_id:
            result.reject(
                line,
                "email",
                _("“%(email)s” is already used by employee %(other)s")
                % {"email": record.email, "other": owner or _("(an account with no employee)")},
            )
            continue
        taken[record.email] = record.external_id
        is_active = record.leave_date is None or record.leave_date > today
        user_values = {
            "username": record.email,
            "email": record.email,
            "first_name": record.first_name,
            "last_name": record.last_name,
            "is_active": is_active,
        }
        employee_values = {
            "unit_id": units[record.unit_code],
            "role_id": roles[record.role_code],
            "hire_date": record.hire_date,
            "leave_date": record.leave_date,
            "is_manager": record.is_manager,
        }
        employee = existing.get(record.external_id)
        if employee is None:
            user = User(**user_values, password=make_password(None))
            new_users.append((line, user))
            continue
        user = employee.user
        user_changed = _assign(user, user_values)
        employee_changed = _assign(employee, employee_values)
        if user_changed:
            changed_users.append(user)
        if employee_changed:
            changed_employees.append(employee)
        if user_changed or employee_changed:
            result.counts.updated += 1
        else:
            result.counts.unchanged += 1
    User.objects.bulk_create([user for _line, user in new_users], batch_size=1000)
    Employee.objects.bulk_create(
        [
            Employee(
                user=user,
                external_id=line.record.external_id,
                unit_id=units[line.record.unit_code],
                role_id=roles[line.record.role_code],
                hire_date=line.record.hire_date,
                leave_date=line.record.leave_date,
                is_manager=line.record.is_manager,
            )
            for line, user in new_users
        ],
        batch_size=1000,
    )
    update_many(changed_users, ["username", "email", "first_name", "last_name", "is_active"])
    update_many(changed_employees, ["unit", "role", "hire_date", "leave_date", "is_manager"])
    result.counts.created += len(new_users)
    return result


def _assign(obj: object, values: dict[str, object]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def employee_create(
    *,
    external_id: str,
    email: str,
    first_name: str,
    last_name: str,
    unit: Unit,
    role: Role,
    hire_date: dt.date,
    leave_date: dt.date | None = None,
    is_manager: bool = False,
    password: str | None = None,
) -> Employee:
    """One employee and their account (tests, the demo's personas, the admin)."""
    with transaction.atomic():
        user = User.objects.create_user(
            username=email.lower(),
            email=email.lower(),
            password=password,
            first_name=first_name,
            last_name=last_name,
            is_active=leave_date is None or leave_date > timezone.localdate(),
        )
        employee = Employee(
            user=user,
            external_id=external_id,
            unit=unit,
            role=role,
            hire_date=hire_date,
            leave_date=leave_date,
            is_manager=is_manager,
        )
        employee.full_clean()
        employee.save()
    return employee

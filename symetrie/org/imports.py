"""Import kinds of the org app: units, roles, employees (see symetrie.core.importing)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from symetrie.core.importing import BatchResult, ImportKind, Line, RowError, register
from symetrie.core.importing.contract import boolean, choice, date, decimal, email, text
from symetrie.org import services
from symetrie.org.models import UnitKind, unit_code_validator
from symetrie.org.services import EmployeeRecord, RoleRecord, UnitRecord

# Accepted spellings of each unit kind, French and English.
UNIT_KINDS: dict[str, str] = {kind.value: kind.value for kind in UnitKind}
UNIT_KINDS.update(
    {
        "entreprise": "company",
        "société": "company",
        "societe": "company",
        "région": "region",
        "secteur": "area",
        "zone": "area",
        "agence": "agency",
        "magasin": "store",
        "boutique": "store",
        "département": "department",
        "departement": "department",
        "service": "department",
        "direction": "department",
        "équipe": "team",
        "equipe": "team",
    }
)


def code(row: Mapping[str, Any], name: str, *, required: bool = True) -> str:
    value = text(row, name, required=required, max_length=32)
    if value:
        try:
            unit_code_validator(value)
        except ValidationError as error:
            raise RowError(name, f"“{value}”: {error.messages[0]}") from None
    return value


@register
class UnitKindImport(ImportKind[UnitRecord]):
    name = "units"
    columns = ("code", "name", "kind", "parent_code")
    required_columns = ("code", "name", "kind")
    key_column = "code"
    batch_size = None  # parents may come after their children: the whole file is one batch

    def clean(self, row: Mapping[str, Any]) -> UnitRecord:
        return UnitRecord(
            code=code(row, "code"),
            name=text(row, "name", required=True, max_length=200),
            kind=choice(row, "kind", UNIT_KINDS),
            parent_code=code(row, "parent_code", required=False),
        )

    def key(self, record: UnitRecord) -> str:
        return record.code

    def write(self, lines: list[Line[UnitRecord]]) -> BatchResult:
        return services.unit_upsert_many(lines)


@register
class RoleKindImport(ImportKind[RoleRecord]):
    name = "roles"
    columns = ("code", "name", "org_wide", "goodwill_max_eur", "fee_waiver", "decisions")
    required_columns = ("code", "name")
    key_column = "code"

    def clean(self, row: Mapping[str, Any]) -> RoleRecord:
        goodwill = decimal(row, "goodwill_max_eur", default=Decimal("0"))
        if goodwill < 0 or goodwill >= Decimal("1e8"):
            raise RowError("goodwill_max_eur", _("must be between 0 and 99,999,999.99"))
        raw = row.get("decisions")
        if isinstance(raw, list):
            decisions = tuple(str(item).strip() for item in raw if str(item).strip())
        else:
            # In CSV, several decisions are separated by "|".
            decisions = tuple(d.strip() for d in text(row, "decisions").split("|") if d.strip())
        return RoleRecord(
            code=code(row, "code"),
            name=text(row, "name", required=True, max_length=200),
            is_org_wide=boolean(row, "org_wide"),
            goodwill_max_eur=goodwill.quantize(Decimal("0.01")),
            may_waive_fees=boolean(row, "fee_waiver"),
            decisions=decisions,
        )

    def key(self, record: RoleRecord) -> str:
        return record.code

    def write(self, lines: list[Line[RoleRecord]]) -> BatchResult:
        return services.role_upsert_many(lines)


@register
class EmployeeKindImport(ImportKind[EmployeeRecord]):
    name = "employees"
    columns = (
        "external_id",
        "email",
        "first_name",
        "last_name",
        "unit_code",
        "role",
        "hire_date",
        "leave_date",
        "is_manager",
    )
    required_columns = ("external_id", "email", "unit_code", "role", "hire_date")
    key_column = "external_id"

    def clean(self, row: Mapping[str, Any]) -> EmployeeRecord:
        hire_date = date(row, "hire_date", required=True)
        leave_date = date(row, "leave_date")
        assert hire_date is not None
        if leave_date is not None and leave_date < hire_date:
            raise RowError("leave_date", _("is before the hire date"))
        return EmployeeRecord(
            external_id=text(row, "external_id", required=True, max_length=64),
            email=email(row, "email", required=True),
            first_name=text(row, "first_name", max_length=150),
            last_name=text(row, "last_name", max_length=150),
            unit_code=code(row, "unit_code"),
            role_code=code(row, "role"),
            hire_date=hire_date,
            leave_date=leave_date,
            is_manager=boolean(row, "is_manager"),
        )

    def key(self, record: EmployeeRecord) -> str:
        return record.external_id

    def write(self, lines: list[Line[EmployeeRecord]]) -> BatchResult:
        return services.employee_upsert_many(lines)

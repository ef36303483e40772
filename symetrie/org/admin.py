"""Admin for the org: writes to units go through the services that maintain paths."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from symetrie.org import services
from symetrie.org.models import Employee, Role, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["name", "code", "kind", "parent", "depth"]
    list_filter = ["kind", "depth"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if not change:
            created = services.unit_create(
                code=obj.code, name=obj.name, kind=obj.kind, parent=obj.parent
            )
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            return
        previous = Unit.objects.get(pk=obj.pk)
        Unit.objects.filter(pk=obj.pk).update(code=obj.code, name=obj.name, kind=obj.kind)
        if previous.parent_id != obj.parent_id:
            services.unit_move(unit=previous, new_parent=obj.parent)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin[Role]):
    list_display = ["name", "code", "is_org_wide", "goodwill_max_eur", "may_waive_fees"]
    search_fields = ["name", "code"]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin[Employee]):
    list_display = [
        "__str__",
        "external_id",
        "unit",
        "role",
        "is_manager",
        "hire_date",
        "leave_date",
    ]
    list_filter = ["is_manager", "role"]
    search_fields = ["external_id", "user__last_name", "user__email", "unit__code"]
    autocomplete_fields = ["unit", "user"]
    list_select_related = ["user", "unit", "role"]

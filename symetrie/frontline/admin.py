from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from symetrie.frontline.models import ActionTiming


@admin.register(ActionTiming)
class ActionTimingAdmin(admin.ModelAdmin[ActionTiming]):
    """Read only: timings are measured, never typed."""

    list_display = ["saved_at", "kind", "employee", "unit", "duration_ms"]
    list_filter = ["kind"]
    list_select_related = ["employee__user", "unit"]
    date_hierarchy = "saved_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ActionTiming | None = None) -> bool:
        return False

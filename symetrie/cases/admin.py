"""Admin for cases: SLA policies and playbooks are configuration, edited here; cases and their
history are shown read-only, since every change to a case goes through the services that keep
its events (the pages and the API)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from symetrie.cases.models import (
    Case,
    CaseEvent,
    Commitment,
    Decision,
    Escalation,
    OnboardingProgress,
    Playbook,
    SlaPolicy,
)


class ReadOnly:
    """Shown, never written here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[SlaPolicy]):
    list_display = ["type", "priority", "resolution_hours"]
    list_filter = ["type", "priority"]
    list_editable = ["resolution_hours"]
    ordering = ["type", "priority"]


class EventInline(ReadOnly, admin.TabularInline[CaseEvent, Case]):
    model = CaseEvent
    fields = readonly_fields = ("at", "kind", "actor", "from_status", "to_status", "note")
    extra = 0


class CommitmentInline(ReadOnly, admin.TabularInline[Commitment, Case]):
    model = Commitment
    fields = readonly_fields = ("text", "due_at", "made_by", "done_at")
    extra = 0


@admin.register(Case)
class CaseAdmin(ReadOnly, admin.ModelAdmin[Case]):
    list_display = ["external_id", "subject", "audience", "type", "status", "unit", "owner",
                    "due_at"]  # fmt: skip
    list_filter = ["audience", "type", "status", "priority"]
    search_fields = ["external_id", "subject", "process"]
    list_select_related = ["unit", "owner__user"]
    inlines = [CommitmentInline, EventInline]


@admin.register(Decision)
class DecisionAdmin(ReadOnly, admin.ModelAdmin[Decision]):
    list_display = ["case", "kind", "amount_eur", "label", "decided_by", "within_latitude",
                    "status"]  # fmt: skip
    list_filter = ["kind", "status", "within_latitude"]
    list_select_related = ["case", "decided_by__user"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnly, admin.ModelAdmin[Escalation]):
    list_display = ["case", "raised_by", "to", "raised_at", "status"]
    list_filter = ["status"]
    list_select_related = ["case", "raised_by__user", "to__user"]


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin[Playbook]):
    list_display = ["title", "slug", "audience", "language", "onboarding_rank"]
    list_filter = ["audience", "language"]
    search_fields = ["title", "slug", "keywords"]


@admin.register(OnboardingProgress)
class OnboardingProgressAdmin(ReadOnly, admin.ModelAdmin[OnboardingProgress]):
    list_display = ["employee", "playbook", "completed_at"]
    list_select_related = ["employee__user", "playbook"]

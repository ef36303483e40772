from __future__ import annotations

from django.contrib import admin

from symetrie.accounts.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are created with `symetrie token create`; the admin lists and revokes them."""

    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "prefix", "key_hash", "created_at", "last_used_at"]
    search_fields = ["prefix", "user__username", "name"]

    def has_add_permission(self, request: object) -> bool:
        return False

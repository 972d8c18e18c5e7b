"""The audit trail in the admin: readable by staff with the view permission, never writable."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("sequence", "at", "action", "object_type", "object_id", "actor_label")
    list_filter = ("action", "object_type")
    search_fields = ("=object_id", "action", "=entry_hash")
    date_hierarchy = "at"
    ordering = ("-sequence",)
    list_select_related = ("actor",)
    readonly_fields = (
        "sequence",
        "at",
        "actor",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "before",
        "after",
        "previous_hash",
        "entry_hash",
    )
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

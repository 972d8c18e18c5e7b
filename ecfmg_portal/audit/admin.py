"""The audit trail in the admin: readable by staff with the view permission, never writable."""

from __future__ import annotations

from django.contrib import admin

from ecfmg_portal.admin_lists import ReadOnlyAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
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

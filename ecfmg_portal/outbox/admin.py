"""Tasks kept while the broker was down, for operators to see (read-only)."""

from __future__ import annotations

from django.contrib import admin

from ecfmg_portal.admin_lists import ReadOnlyAdmin

from .models import PendingTask


@admin.register(PendingTask)
class PendingTaskAdmin(ReadOnlyAdmin):
    list_display = ("name", "task_id", "created_at", "attempts", "next_attempt_at", "last_error")
    list_filter = ("name",)
    ordering = ("next_attempt_at",)
    readonly_fields = (
        "task_id",
        "name",
        "args",
        "kwargs",
        "options",
        "created_at",
        "attempts",
        "next_attempt_at",
        "last_error",
    )
    actions = None

"""Tasks kept while the broker was down, for operators to see (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import PendingTask


@admin.register(PendingTask)
class PendingTaskAdmin(admin.ModelAdmin[PendingTask]):
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

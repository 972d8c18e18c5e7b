"""Applicant notifications in the admin: read-only, with a "resend failed" action.

Imported by ``applicants/admin.py`` so that admin autodiscovery registers it.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from ecfmg_portal.admin_lists import ReadOnlyAdmin

from .models import ApplicantNotification
from .services import applicant_notifications_resend


@admin.register(ApplicantNotification)
class ApplicantNotificationAdmin(ReadOnlyAdmin):
    list_display = ("key", "applicant", "subject", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    list_select_related = ("applicant",)
    search_fields = ("key", "applicant__usmle_id")
    date_hierarchy = "created_at"
    actions = ["resend_failed"]
    fields = (
        "key",
        "applicant",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "sent_at",
    )
    readonly_fields = fields

    def has_resend_permission(self, request: HttpRequest) -> bool:
        # Rows are never edited by hand; the model's change permission grants the resend.
        return request.user.has_perm("applicants.change_applicantnotification")

    @admin.action(description="Resend the selected failed notifications", permissions=["resend"])
    def resend_failed(self, request: HttpRequest, queryset: QuerySet[ApplicantNotification]) -> None:
        count = applicant_notifications_resend(
            notification_ids=queryset.values_list("pk", flat=True), actor=request.user
        )
        skipped = queryset.count() - count
        self.message_user(request, f"{count} notification(s) queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} not failed, left alone.", messages.WARNING)

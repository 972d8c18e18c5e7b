"""Staff may look at applicants' unsent multi-page drafts (nothing more: only the applicant sends one)."""

from __future__ import annotations

from django.contrib import admin

from credentials.models import DocumentDraft
from ecfmg_portal.admin_lists import ReadOnlyAdmin


@admin.register(DocumentDraft)
class DocumentDraftAdmin(ReadOnlyAdmin):
    list_display = ("id", "applicant", "kind", "pages", "size", "created_at")
    list_select_related = ("applicant",)
    list_filter = ("kind",)
    ordering = ("-created_at",)
    fields = (
        "applicant",
        "kind",
        "language",
        "issue_date",
        "pages",
        "size",
        "sha256",
        "original_sha256",
        "created_at",
    )
    readonly_fields = fields

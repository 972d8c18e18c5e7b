"""Staff admin for accounts and applicants. The applicant page shows the rules
engine's checklist; identity fields are read-only (changes go through requests)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

import applicants.workbench_queues  # noqa: F401 - registers the applicants queues
from applicants import staff_admin  # noqa: F401 - registers the User and Group admins
from applicants.admin_file import applicant_file_view, identity_correction_view
from applicants.notifications import admin as notifications_admin  # noqa: F401 - registers its admin
from applicants.payments import admin as payments_admin  # noqa: F401 - registers the ledger admins
from applicants.search import applicants_matching
from certificates.selectors import applicant_assessment
from ecfmg_portal.admin_lists import LargeTableAdmin, ReadOnlyAdmin
from ecfmg_portal.workbench.admin_filters import QueueListFilter, QueueOrderingMixin

from .models import Applicant, IdentityChangeRequest, StaffNote
from .services.ledger import ledger_balance


@admin.register(Applicant)
class ApplicantAdmin(LargeTableAdmin):
    list_display = ("usmle_id", "last_name", "given_names", "school", "graduation_date", "created_at")
    list_select_related = ("school",)
    # Searched by applicants.search (names folded, e-mail, USMLE ID, certificate number).
    search_fields = ("search_key",)
    search_help_text = (
        "A name (accents, case and hyphens do not matter), an e-mail, a USMLE ID or a certificate number."
    )
    list_filter = ("school__country", "created_at")
    show_full_result_count = False  # no COUNT(*) over every applicant on each page
    readonly_fields = (
        "user",
        "usmle_id",
        "usmle_id_issued_at",
        "given_names",
        "last_name",
        "date_of_birth",
        "country",
        "school",
        "graduation_date",
        "academic_years",
        "transfer_school",
        "transfer_years",
        "balance",
        "checklist",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            "Identity (as on the diploma)",
            {
                "fields": (
                    "user",
                    "usmle_id",
                    "usmle_id_issued_at",
                    "given_names",
                    "last_name",
                    "date_of_birth",
                    "country",
                )
            },
        ),
        (
            "Medical education",
            {"fields": ("school", "graduation_date", "academic_years", "transfer_school", "transfer_years")},
        ),
        ("Certification", {"fields": ("balance", "checklist")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        return applicants_matching(queryset, search_term), False

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        """The applicant's page is their whole file."""
        return applicant_file_view(self, request, object_id)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # applicants sign up themselves

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # identity records are never deleted

    @admin.display(description="Balance owed")
    def balance(self, obj: Applicant) -> str:
        return f"${ledger_balance(applicant=obj):,.2f}"

    @admin.display(description="Requirements checklist")
    def checklist(self, obj: Applicant) -> SafeString:
        return SafeString(
            render_to_string(
                "admin/applicants/checklist.html", {"assessment": applicant_assessment(applicant=obj)}
            )
        )


@admin.register(IdentityChangeRequest)
class IdentityChangeRequestAdmin(QueueOrderingMixin, admin.ModelAdmin[IdentityChangeRequest]):
    list_display = ("id", "applicant", "status", "created_at", "decided_at")
    list_select_related = ("applicant",)
    list_filter = (QueueListFilter, "status")
    search_fields = ("=applicant__usmle_id", "applicant__last_name")
    readonly_fields = ("applicant", "changes", "reason", "status", "decided_by", "decided_at", "created_at")
    fields = (
        "applicant",
        "changes",
        "reason",
        "status",
        "decision_note",
        "decided_by",
        "decided_at",
        "created_at",
    )
    # Decided one at a time on the request's page, current value beside requested value.
    actions = None
    ordering = ("status", "created_at")

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        return identity_correction_view(self, request, object_id)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StaffNote)
class StaffNoteAdmin(ReadOnlyAdmin):
    """Notes are written on the applicant's file page and never edited."""

    list_display = ("created_at", "applicant", "author")
    list_select_related = ("applicant", "author")
    search_fields = ("=applicant__usmle_id",)

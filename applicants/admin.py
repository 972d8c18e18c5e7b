"""Staff admin for accounts and applicants. The applicant page shows the rules
engine's checklist; identity fields are read-only (changes go through requests)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from applicants.notifications import admin as notifications_admin  # noqa: F401 - registers its admin
from applicants.payments import admin as payments_admin  # noqa: F401 - registers the ledger admins
from applicants.services import profile
from certificates.selectors import applicant_assessment
from ecfmg_portal.admin_lists import LargeTableAdmin
from ecfmg_portal.errors import DomainError

from .models import Applicant, IdentityChangeRequest, User
from .services.ledger import ledger_balance


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "is_staff", "is_active", "email_confirmed_at", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email",)
    readonly_fields = ("last_login", "date_joined", "email_confirmed_at")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Status", {"fields": ("is_active", "email_confirmed_at", "last_login", "date_joined")}),
        ("Staff", {"fields": ("is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ("groups",)


@admin.register(Applicant)
class ApplicantAdmin(LargeTableAdmin):
    list_display = ("usmle_id", "last_name", "given_names", "school", "graduation_date", "created_at")
    list_select_related = ("school",)
    search_fields = ("=usmle_id", "last_name", "given_names", "user__email")
    usmle_id_lookup = "usmle_id"
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
class IdentityChangeRequestAdmin(admin.ModelAdmin[IdentityChangeRequest]):
    list_display = ("id", "applicant", "status", "created_at", "decided_at")
    list_select_related = ("applicant",)
    list_filter = ("status",)
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
    actions = ("approve", "decline")
    ordering = ("status", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _decide(self, request: HttpRequest, queryset: QuerySet[IdentityChangeRequest], approve: bool) -> None:
        decided = 0
        for change_request in queryset.select_related("applicant"):
            try:
                profile.identity_change_request_decide(
                    change_request=change_request, approve=approve, actor=request.user
                )
                decided += 1
            except DomainError as error:
                self.message_user(request, f"#{change_request.pk}: {error.message}", messages.ERROR)
        if decided:
            self.message_user(request, f"{decided} request(s) {'approved' if approve else 'declined'}.")

    @admin.action(description="Approve the selected change requests", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[IdentityChangeRequest]) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description="Decline the selected change requests", permissions=["change"])
    def decline(self, request: HttpRequest, queryset: QuerySet[IdentityChangeRequest]) -> None:
        self._decide(request, queryset, approve=False)

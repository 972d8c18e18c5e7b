"""Staff admin for certificates: read-only records, reprint
(``certificates.reprint_certificate``) and revoke with a reason
(``certificates.revoke_certificate``); both belong to the "certificate officer"
group (``applicants.services.staff``). The work is done by ``certificates.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from certificates import (
    admin_issuer_keys,  # noqa: F401 - registers issuer keys and status lists (R-VE-4)
    admin_review,
    workbench_queues,  # noqa: F401 - registers the certificate queues
)
from ecfmg_portal.admin_lists import LargeTableAdmin, plural
from ecfmg_portal.errors import DomainError
from ecfmg_portal.workbench.admin_filters import QueueListFilter, QueueOrderingMixin

from .models import Certificate
from .services import certificate_reprint, certificate_revoke


class RevokeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
        help_text="Recorded in the audit trail and shown to the applicant.",
    )


@admin.register(Certificate)
class CertificateAdmin(QueueOrderingMixin, LargeTableAdmin):
    list_display = (
        "number",
        "applicant",
        "issued_on",
        "exam_requirements_met_on",
        "status",
        "pdf_rendered_at",
    )
    list_select_related = ("applicant",)
    list_filter = (QueueListFilter, "status", "issued_on")
    search_fields = ("=number", "=applicant__usmle_id", "applicant__last_name")
    usmle_id_lookup = "applicant__usmle_id"
    show_full_result_count = False
    actions = ("reprint", "revoke")
    readonly_fields = (
        "applicant",
        "number",
        "verification_code",
        "exam_requirements_met_on",
        "issued_on",
        "status",
        "revoked_on",
        "revocation_reason",
        "revoked_by",
        "pdf_rendered_at",
        "email_claimed_at",
        "email_sent_at",
        "created_at",
    )
    exclude = ("pdf",)

    def get_urls(self) -> list[Any]:
        from django.urls import path

        return [
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(
                    lambda request, pk: admin_review.certificate_pdf_view(self, request, pk)
                ),
                name="certificates_certificate_pdf",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        """The certificate's page: its PDF, reprint, and revoke with a reason."""
        return admin_review.certificate_review_view(self, request, object_id)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued by the rules engine only (R-CE-1)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the record stays for every later verification

    def has_reprint_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("certificates.reprint_certificate")

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("certificates.revoke_certificate")

    @admin.action(
        description="Reprint the selected certificates (same number and dates)", permissions=["reprint"]
    )
    def reprint(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        count = 0
        for certificate in queryset:
            certificate_reprint(certificate=certificate, actor=request.user)
            count += 1
        self.message_user(
            request,
            f"{plural(count, 'certificate', 'certificates')} queued for reprinting.",
            messages.SUCCESS,
        )

    @admin.action(description="Revoke the selected certificates…", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> HttpResponse | None:
        form = RevokeForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            revoked = 0
            for certificate in queryset:
                try:
                    certificate_revoke(
                        certificate=certificate, reason=form.cleaned_data["reason"], actor=request.user
                    )
                    revoked += 1
                except DomainError as error:
                    self.message_user(request, f"{certificate.number}: {error.message}", messages.ERROR)
            if revoked:
                self.message_user(
                    request, f"{plural(revoked, 'certificate', 'certificates')} revoked.", messages.SUCCESS
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Revoke certificates",
            "opts": self.model._meta,
            "certificates": list(queryset.select_related("applicant")),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/certificates/certificate/revoke.html", context)

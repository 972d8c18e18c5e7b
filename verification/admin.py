"""Staff screens: organizations, keys (secret shown once), the verification log,
and the CSV import of exam results. Thin: every write goes through a service."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ecfmg_portal.admin_lists import LargeTableAdmin
from ecfmg_portal.errors import DomainError

from .eras.services import program_webhook_check, program_webhook_configure
from .models import ApiKey, ExamResultImport, Organization, VerificationReport, VerificationRequest
from .services.keys import api_key_issue, api_key_revoke
from .services.results import CSV_COLUMNS, exam_results_import


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    fields = ("prefix", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # keys are created on the API key screen, which shows the secret once


class OrganizationForm(forms.ModelForm):
    """The webhook URL is checked as the API checks it (no loopback, private, link-local
    or metadata address, in any IPv4 or IPv6 spelling) before anything is saved."""

    class Meta:
        model = Organization
        fields = ("name", "kind", "acgme_program_id", "webhook_url", "is_active")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        url = cleaned.get("webhook_url") or ""
        if "webhook_url" in self.changed_data and url:
            probe = Organization(kind=cleaned.get("kind") or self.instance.kind)
            try:
                program_webhook_check(program=probe, url=url)
            except DomainError as error:
                self.add_error("webhook_url", error.message)
        return cleaned


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationForm
    list_display = ("name", "kind", "acgme_program_id", "is_active", "created_at")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "acgme_program_id")
    inlines = [ApiKeyInline]

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        # The webhook goes through the same service as the API: checked again, secret
        # generated, audited with who did it. Everything else saves as usual first.
        url = obj.webhook_url
        if "webhook_url" in form.changed_data:
            obj.webhook_url = Organization.objects.get(pk=obj.pk).webhook_url if change else ""
        super().save_model(request, obj, form, change)
        if "webhook_url" in form.changed_data:
            program_webhook_configure(program=obj, url=url, actor=request.user)


class ApiKeyAddForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ("organization", "name")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("prefix", "organization", "name", "created_at", "last_used_at", "revoked_at")
    list_filter = ("organization__kind", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("prefix", "name", "organization__name")
    list_select_related = ("organization",)
    readonly_fields = ("organization", "prefix", "created_at", "last_used_at", "revoked_at")
    fields = ("organization", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke_selected"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = ApiKeyAddForm
            kwargs["fields"] = ("organization", "name")
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else ()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields if obj is not None else ("organization", "name")

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])
            return
        try:
            api_key, raw_key = api_key_issue(organization=obj.organization, name=obj.name, actor=request.user)
        except DomainError as error:
            raise PermissionDenied(error.message) from error
        obj.pk = api_key.pk
        obj.prefix = api_key.prefix
        obj.key_hash = api_key.key_hash
        messages.warning(
            request,
            f"The new key for {api_key.organization} is {raw_key} — copy it now: "
            "it is stored only as a hash and will not be shown again.",
        )

    @admin.action(description="Revoke the selected keys")
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        revoked = sum(api_key_revoke(api_key=key, actor=request.user) for key in queryset)
        self.message_user(request, f"{revoked} key(s) revoked.", messages.SUCCESS)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the log keeps pointing at the key


class _ReadOnlyLogAdmin(LargeTableAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(VerificationRequest)
class VerificationRequestAdmin(_ReadOnlyLogAdmin):
    """Every request to the Certification Verification Service, answered or not."""

    list_display = ("requested_at", "organization", "outcome", "usmle_id", "applicant", "report")
    list_filter = ("outcome", "organization__kind", "organization")
    search_fields = ("=usmle_id", "organization__name")
    usmle_id_lookup = "usmle_id"
    list_select_related = ("organization", "applicant", "report")


@admin.register(VerificationReport)
class VerificationReportAdmin(_ReadOnlyLogAdmin):
    list_display = ("generated_at", "organization", "applicant", "certification_status")
    list_filter = ("organization__kind", "organization")
    search_fields = ("=applicant__usmle_id", "organization__name", "=verification_code")
    usmle_id_lookup = "applicant__usmle_id"
    list_select_related = ("organization", "applicant")
    fields = ("id", "organization", "applicant", "generated_at", "verification_code", "payload")
    readonly_fields = fields

    @admin.display(description="certification")
    def certification_status(self, obj: VerificationReport) -> str:
        return str(obj.payload.get("certification", {}).get("status", ""))


class ExamResultCsvForm(forms.Form):
    file = forms.FileField(help_text="UTF-8 CSV with a header row: " + ",".join(CSV_COLUMNS))


@admin.register(ExamResultImport)
class ExamResultImportAdmin(_ReadOnlyLogAdmin):
    """Results as the feed and imports stored them; the import button takes a CSV."""

    list_display = ("applicant", "exam", "test_date", "outcome", "source", "recorded_at")
    list_filter = ("source", "exam", "outcome")
    search_fields = ("applicant__usmle_id",)
    list_select_related = ("applicant",)
    change_list_template = "verification/admin/exam_result_changelist.html"

    def get_urls(self) -> list[Any]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_csv),
                name="verification_examresultimport_import",
            ),
            *super().get_urls(),
        ]

    def import_csv(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("exams.add_examresult"):
            raise PermissionDenied
        summary = None
        form = ExamResultCsvForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            raw = form.cleaned_data["file"].read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                form.add_error("file", "The file is not UTF-8 text.")
            else:
                summary = exam_results_import(lines=io.StringIO(text, newline=""), actor=request.user)
                if not summary.errors:
                    self.message_user(
                        request,
                        f"{summary.created} result(s) stored, {summary.replayed} already stored.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:verification_examresultimport_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import exam results",
            "form": form,
            "summary": summary,
            "columns": ",".join(CSV_COLUMNS),
        }
        return TemplateResponse(request, "verification/admin/exam_result_import.html", context)

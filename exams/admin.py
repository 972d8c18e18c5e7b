"""Staff admin for exam applications and results. Results are entered through
the same service as the results feed, so replays and conflicts behave alike."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from ecfmg_portal.admin_lists import LargeTableAdmin
from ecfmg_portal.errors import DomainError

from .models import ExamApplication, ExamResult
from .services import exam_result_record


@admin.register(ExamApplication)
class ExamApplicationAdmin(LargeTableAdmin):
    list_display = ("applicant", "exam", "eligibility_start", "eligibility_end", "created_at")
    list_select_related = ("applicant",)
    list_filter = ("exam",)
    search_fields = ("=applicant__usmle_id", "applicant__last_name")
    usmle_id_lookup = "applicant__usmle_id"
    readonly_fields = ("applicant", "exam", "eligibility_start", "eligibility_end", "fee", "created_at")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # applicants apply through the portal (fee and limits apply)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ExamResultForm(forms.ModelForm[ExamResult]):
    class Meta:
        model = ExamResult
        fields = ("applicant", "exam", "test_date", "outcome", "score")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            self.instance, _ = exam_result_record(
                applicant=data["applicant"],
                exam=data["exam"],
                test_date=data["test_date"],
                outcome=data["outcome"],
                score=data.get("score"),
                source=ExamResult.Source.STAFF,
                actor=getattr(self, "actor", None),
            )
        except DomainError as error:
            raise forms.ValidationError(error.message) from None
        return data


@admin.register(ExamResult)
class ExamResultAdmin(LargeTableAdmin):
    form = ExamResultForm
    list_display = ("applicant", "exam", "test_date", "outcome", "source", "recorded_at")
    list_select_related = ("applicant",)
    list_filter = ("exam", "outcome", "source")
    search_fields = ("=applicant__usmle_id", "applicant__last_name")
    usmle_id_lookup = "applicant__usmle_id"
    autocomplete_fields = ("applicant",)
    show_full_result_count = False

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # type: ignore[attr-defined]
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A stored result is a fact from the exam body: corrections go through support, not edits.
        return ("applicant", "exam", "test_date", "outcome", "score", "source") if obj else ()

    def save_model(self, request: HttpRequest, obj: ExamResult, form: Any, change: bool) -> None:
        """The form's clean() already stored it through the service."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

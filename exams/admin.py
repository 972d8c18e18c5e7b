"""Staff admin for exam applications and results. Results are entered through
the same service as the results feed, so replays, conflicts and R-EX-8 behave
alike; results the feed sent that R-EX-8 refused wait in "Unmatched results",
oldest first, for staff to match to an application or dismiss (both audited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from ecfmg_portal.admin_lists import LargeTableAdmin
from ecfmg_portal.errors import DomainError
from exams import workbench_queues  # noqa: F401 - registers the unmatched-results queue

from .models import ExamApplication, ExamResult, PassingStandard, UnmatchedResult
from .results import unmatched_result_dismiss, unmatched_result_match
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
    # A plain ID field with its label: the autocomplete widget's combobox had no
    # accessible name (axe aria-input-field-name) and set inline styles the CSP refuses.
    raw_id_fields = ("applicant",)
    # The browser's own date picker: the admin calendar's script sets inline styles the CSP refuses.
    formfield_overrides = {models.DateField: {"widget": forms.DateInput(attrs={"type": "date"})}}
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


@admin.register(PassingStandard)
class PassingStandardAdmin(admin.ModelAdmin[PassingStandard]):
    """Dated data with its source: a new standard is a new row; rows in use are not edited."""

    list_display = ("exam", "effective_from", "minimum_score", "source")
    list_filter = ("exam",)
    ordering = ("exam", "effective_from")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Results were judged by a stored standard: changing it would rewrite history.
        return ("exam", "effective_from", "minimum_score") if obj else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class UnmatchedResolveForm(forms.ModelForm[UnmatchedResult]):
    """Resolve a waiting result: match it to an application, or dismiss it with a note."""

    decision = forms.ChoiceField(
        choices=[("", "Leave it waiting"), ("match", "Match to an application"), ("dismiss", "Dismiss")],
        required=False,
    )
    match_application = forms.ModelChoiceField(
        queryset=ExamApplication.objects.none(),
        required=False,
        label="Application",
        help_text="Applications of this applicant for this Step. The full rule (R-EX-8) is checked again.",
    )

    class Meta:
        model = UnmatchedResult
        fields = ("resolution_note",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["match_application"].queryset = ExamApplication.objects.filter(  # type: ignore[attr-defined]
                applicant_id=self.instance.applicant_id, exam=self.instance.exam
            ).order_by("-eligibility_start")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        actor = getattr(self, "actor", None)
        try:
            if data.get("decision") == "match":
                application = data.get("match_application")
                if application is None:
                    raise forms.ValidationError({"match_application": "Choose the application."})
                unmatched_result_match(unmatched=self.instance, application=application, actor=actor)
            elif data.get("decision") == "dismiss":
                unmatched_result_dismiss(
                    unmatched=self.instance, actor=actor, note=data.get("resolution_note", "")
                )
        except DomainError as error:
            raise forms.ValidationError(error.message) from None
        self.instance.refresh_from_db()
        return data


@admin.register(UnmatchedResult)
class UnmatchedResultAdmin(LargeTableAdmin):
    form = UnmatchedResolveForm
    list_display = ("received_at", "applicant", "exam", "test_date", "outcome", "reason", "status", "source")
    list_select_related = ("applicant",)
    list_filter = ("status", "reason", "exam", "source")
    search_fields = ("=applicant__usmle_id", "applicant__last_name")
    usmle_id_lookup = "applicant__usmle_id"
    ordering = ("received_at",)  # oldest first: the queue is worked in arrival order
    show_full_result_count = False
    readonly_fields = (
        "applicant",
        "exam",
        "test_date",
        "outcome",
        "score",
        "source",
        "reason",
        "detail",
        "status",
        "received_at",
        "resolved_at",
        "resolved_by",
        "result",
    )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(self.readonly_fields)
        if obj is not None and obj.status == UnmatchedResult.Status.OPEN:
            return [*fields, "decision", "match_application", "resolution_note"]
        return [*fields, "resolution_note"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None and obj.status != UnmatchedResult.Status.OPEN:
            return (*self.readonly_fields, "resolution_note")
        return self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # type: ignore[attr-defined]
        return form

    def save_model(self, request: HttpRequest, obj: UnmatchedResult, form: Any, change: bool) -> None:
        """The form's clean() resolved it through the service; nothing else is written."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only the feed and the import put results here

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

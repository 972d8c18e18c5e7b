"""Staff screens for the school directory, documents and school verification (R-ED-8).

Thin: every button calls a service in ``credentials.services``; a refusal
(``DomainError``) is shown as an admin message. Every decision needs the
"change school verification request" permission.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from credentials import (
    admin_drafts,  # noqa: F401 - registers the drafts' admin
    admin_review,
    workbench_queues,  # noqa: F401 - registers the credentials queues
)
from credentials.forms import CancelForm, ChangeContactForm, DocumentDecisionForm
from credentials.models import (
    Document,
    DocumentEvent,
    EligibilityRange,
    ReasonTemplate,
    School,
    SchoolAnswerReview,
    SchoolVerificationRequest,
    VerificationEmail,
)
from credentials.selectors import school_answers_awaiting_review, school_turnaround
from credentials.services.school_verification import (
    document_manual_decide,
    document_manual_decisions,
    school_verification_cancel,
    school_verification_change_contact,
    school_verification_request,
    school_verification_resend,
)
from ecfmg_portal.admin_lists import LargeTableAdmin, plural, url_with_pk
from ecfmg_portal.errors import DomainError
from ecfmg_portal.workbench.admin_filters import QueueListFilter, QueueOrderingMixin
from exams.models import ExamApplication


class EligibilityRangeInline(admin.TabularInline[EligibilityRange, School]):
    model = EligibilityRange
    extra = 0


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin[School]):
    list_display = ("imed_id", "name", "country", "city", "verification_email")
    list_filter = ("country",)
    search_fields = ("imed_id", "name", "city")
    inlines = (EligibilityRangeInline,)


class DocumentEventInline(admin.TabularInline[DocumentEvent, Document]):
    model = DocumentEvent
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReasonTemplate)
class ReasonTemplateAdmin(admin.ModelAdmin[ReasonTemplate]):
    """The reasons reviewers choose from; editing one changes what later applicants read."""

    list_display = ("title", "decision", "is_active", "position", "updated_at")
    list_filter = ("decision", "is_active")
    list_editable = ("is_active", "position")
    search_fields = ("title", "text")

    def get_changelist_form(
        self, request: HttpRequest, **kwargs: Any
    ) -> type[forms.ModelForm[ReasonTemplate]]:
        # The list's editable cells have no <label> of their own (axe "label"): name them.
        kwargs.setdefault(
            "widgets",
            {
                "is_active": forms.CheckboxInput(attrs={"aria-label": _("Active")}),
                "position": forms.NumberInput(attrs={"aria-label": _("Position")}),
            },
        )
        return super().get_changelist_form(request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retire a reason with "active" instead


@admin.register(Document)
class DocumentAdmin(QueueOrderingMixin, LargeTableAdmin):
    list_display = ("pk", "applicant", "kind", "source", "status", "processing", "created_at", "download")
    list_filter = (QueueListFilter, "status", "kind", "source")
    list_select_related = ("applicant",)
    search_fields = ("=applicant__usmle_id",)
    usmle_id_lookup = "applicant__usmle_id"
    ordering = ("created_at",)  # the review queue: oldest first (indexed)
    inlines = (DocumentEventInline,)
    actions = ("send_for_verification",)
    readonly_fields = (
        "applicant",
        "kind",
        "source",
        "file",
        "content_type",
        "size",
        "sha256",
        "original_name",
        "language",
        "issue_date",
        "status",
        "status_reason",
        "created_at",
        "reviewed_at",
        "reviewed_by",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # documents come from applicants and schools, never typed in

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    change_form_template = "admin/credentials/document/change_form.html"

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/file/",
                self.admin_site.admin_view(self.file_view),
                name="credentials_document_file",
            ),
            path(
                "<int:pk>/page/<int:number>/",
                self.admin_site.admin_view(self.page_view),
                name="credentials_document_page",
            ),
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="credentials_document_decide",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """With no filter chosen, the list opens on the work: documents received.
        Only for someone who may see the list: anyone else gets the admin's 403 first."""
        if not request.GET and request.method == "GET" and self.has_view_or_change_permission(request):
            return HttpResponseRedirect(request.path + "?status__exact=received")
        return super().changelist_view(request, extra_context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        """The document's page is its one-page review."""
        return admin_review.document_review_view(self, request, object_id)

    def page_view(self, request: HttpRequest, pk: int, number: int) -> HttpResponse:
        return admin_review.page_image_view(self, request, pk, number)

    def decide_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Record a decision by hand (reject a scan without signatures, verify a translation...)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        document = get_object_or_404(Document.objects.select_related("applicant"), pk=pk)
        choices = [(s, Document.status_in_english(s)) for s in document_manual_decisions(document=document)]
        form = DocumentDecisionForm(request.POST or None, choices=choices)
        if request.method == "POST" and form.is_valid():
            try:
                document_manual_decide(
                    document=document,
                    to_status=form.cleaned_data["to_status"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                self.message_user(request, f"Document #{pk}: decision recorded.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:credentials_document_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Record a decision — {document}",
            "document": document,
            "form": form,
            "has_choices": bool(choices),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/credentials/document_decide.html", context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Document]:
        # R-ED-3, in the same query as the list: has the applicant applied for an exam yet?
        # A scalar subquery (one application's id, or NULL), not EXISTS: PostgreSQL plans
        # an EXISTS over 76k received documents as a hashed scan of every exam application
        # (~100 ms at 100k applicants), where this one is an index probe per listed row.
        first_application = (
            ExamApplication.objects.filter(applicant_id=OuterRef("applicant_id")).order_by().values("pk")[:1]
        )
        return super().get_queryset(request).annotate(applicant_first_application=Subquery(first_application))

    @admin.display(description="processing")
    def processing(self, obj: Document) -> str:
        applied = getattr(obj, "applicant_first_application", -1) is not None
        if obj.source == Document.Source.APPLICANT and not applied:
            return "Waiting: no exam application yet (R-ED-3), held until the first one"
        return "-"

    @admin.display(description="file")
    def download(self, obj: Document) -> str:
        return format_html(
            '<a href="{}">download</a>', url_with_pk("admin:credentials_document_file", obj.pk)
        )

    def file_view(self, request: HttpRequest, pk: int) -> FileResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        document = get_object_or_404(Document, pk=pk)
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=f"{document.kind}-{document.pk}.{(document.file.name or '').rsplit('.', 1)[-1]}",
            content_type=document.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @admin.action(description="Send the selected diplomas to their school for verification")
    def send_for_verification(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        if not request.user.has_perm("credentials.add_schoolverificationrequest"):
            raise PermissionDenied
        sent = 0
        for document in queryset:
            try:
                school_verification_request(document=document, actor=request.user)
                sent += 1
            except DomainError as error:
                self.message_user(request, f"Document #{document.pk}: {error.message}", messages.ERROR)
        if sent:
            self.message_user(
                request, f"{plural(sent, 'diploma', 'diplomas')} sent for verification.", messages.SUCCESS
            )


@admin.register(DocumentEvent)
class DocumentEventAdmin(LargeTableAdmin):
    list_display = ("at", "document", "from_status", "to_status", "actor")
    list_filter = ("to_status",)
    list_select_related = ("document", "actor")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VerificationEmailInline(admin.TabularInline[VerificationEmail, SchoolVerificationRequest]):
    model = VerificationEmail
    extra = 0
    can_delete = False
    fields = ("step", "kind", "to_address", "status", "attempts", "created_at", "sent_at", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


SHORT_STATUS: dict[str, str] = {
    SchoolVerificationRequest.Status.SENT: "sent",
    SchoolVerificationRequest.Status.ANSWERED: "answered, to evaluate",
    SchoolVerificationRequest.Status.ACCEPTED: "verified",
    SchoolVerificationRequest.Status.REJECTED: "not verified",
    SchoolVerificationRequest.Status.CANCELLED: "cancelled",
}
SHORT_ANSWER: dict[str, str] = {
    SchoolVerificationRequest.Answer.AUTHENTIC: "authentic",
    SchoolVerificationRequest.Answer.NOT_AUTHENTIC: "not authentic",
    SchoolVerificationRequest.Answer.CANNOT_DETERMINE: "cannot determine",
}


@admin.register(SchoolVerificationRequest)
class SchoolVerificationRequestAdmin(
    QueueOrderingMixin, _ReadOnly, admin.ModelAdmin[SchoolVerificationRequest]
):
    # Short columns: the full status labels and school names pushed the table past 1280 px.
    list_display = (
        "pk",
        "applicant",
        "school_short",
        "status_short",
        "sent_on",
        "reminders",
        "escalated_on",
        "answered_on",
        "failed_emails",
    )
    list_filter = (
        QueueListFilter,
        "status",
        ("escalated_at", admin.EmptyFieldListFilter),
        "school__country",
    )
    list_select_related = ("applicant", "school")
    search_fields = ("=applicant__usmle_id", "school__imed_id", "school__name")
    ordering = ("-created_at",)
    inlines = (VerificationEmailInline,)
    actions = ("resend",)
    exclude = ("link_nonce", "token_hash")
    readonly_fields = (
        "applicant",
        "diploma",
        "school",
        "contact_email",
        "status",
        "link_expires_at",
        "created_at",
        "created_by",
        "escalated_at",
        "answered_at",
        "answer",
        "official_name",
        "official_title",
        "official_comment",
        "transcript",
        "decided_at",
        "decided_by",
        "decision_reason",
    )
    change_form_template = "admin/credentials/schoolverificationrequest/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[SchoolVerificationRequest]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                reminder_count=Count(
                    "emails",
                    filter=Q(
                        emails__kind=VerificationEmail.Kind.SCHOOL_REMINDER,
                        emails__status=VerificationEmail.Status.SENT,
                    ),
                ),
                failed_count=Count("emails", filter=Q(emails__status=VerificationEmail.Status.FAILED)),
            )
        )

    @admin.display(description="school", ordering="school__name")
    def school_short(self, obj: SchoolVerificationRequest) -> str:
        return f"{obj.school.imed_id} ({obj.school.country})"

    @admin.display(description="status", ordering="status")
    def status_short(self, obj: SchoolVerificationRequest) -> str:
        return SHORT_STATUS.get(obj.status, obj.status)

    @admin.display(description="sent", ordering="created_at")
    def sent_on(self, obj: SchoolVerificationRequest) -> Any:
        return obj.created_at.date()

    @admin.display(description="escalated", ordering="escalated_at")
    def escalated_on(self, obj: SchoolVerificationRequest) -> Any:
        return obj.escalated_at.date() if obj.escalated_at else "—"

    @admin.display(description="answered", ordering="answered_at")
    def answered_on(self, obj: SchoolVerificationRequest) -> Any:
        return obj.answered_at.date() if obj.answered_at else "—"

    @admin.display(description="reminders sent", ordering="reminder_count")
    def reminders(self, obj: Any) -> int:
        return int(getattr(obj, "reminder_count", 0))

    @admin.display(description="failed e-mails", ordering="failed_count")
    def failed_emails(self, obj: Any) -> int:
        return int(getattr(obj, "failed_count", 0))

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("metrics/", view(self.metrics_view), name="credentials_schoolverification_metrics"),
            path(
                "<int:pk>/change-contact/",
                view(self.change_contact_view),
                name="credentials_schoolverification_change_contact",
            ),
            path("<int:pk>/cancel/", view(self.cancel_view), name="credentials_schoolverification_cancel"),
            *super().get_urls(),
        ]

    def _decide(self, request: HttpRequest) -> None:
        if not self.has_change_permission(request):
            raise PermissionDenied

    @admin.action(description="Resend the request e-mail to the school")
    def resend(self, request: HttpRequest, queryset: QuerySet[SchoolVerificationRequest]) -> None:
        self._decide(request)
        for verification in queryset:
            try:
                school_verification_resend(verification=verification, actor=request.user)
                self.message_user(request, f"Request #{verification.pk}: e-mail queued.", messages.SUCCESS)
            except DomainError as error:
                self.message_user(request, f"Request #{verification.pk}: {error.message}", messages.ERROR)

    def _form_page(
        self, request: HttpRequest, pk: int, form_class: type[forms.Form], title: str, apply: Any
    ) -> HttpResponse:
        self._decide(request)
        verification = get_object_or_404(SchoolVerificationRequest.objects.select_related("school"), pk=pk)
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                apply(verification, form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                self.message_user(request, f"{title}: done.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:credentials_schoolverificationrequest_change", args=[pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"{title} — request #{pk}",
            "verification": verification,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/credentials/verification_form.html", context)

    def change_contact_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._form_page(
            request,
            pk,
            ChangeContactForm,
            "Change the school's contact",
            lambda v, data: school_verification_change_contact(
                verification=v, actor=request.user, email=data["email"]
            ),
        )

    def cancel_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._form_page(
            request,
            pk,
            CancelForm,
            "Cancel the request",
            lambda v, data: school_verification_cancel(
                verification=v, actor=request.user, reason=data["reason"]
            ),
        )

    def metrics_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "School answer times: days from request to answer",
            "tables": school_turnaround(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/credentials/verification_metrics.html", context)


@admin.register(SchoolAnswerReview)
class SchoolAnswerReviewAdmin(_ReadOnly, admin.ModelAdmin[SchoolAnswerReview]):
    """The review queue: school answers awaiting evaluation, oldest first."""

    list_display = ("pk", "answered_at", "applicant", "school_short", "answer_short", "has_transcript")
    list_display_links = ("pk", "answered_at")
    list_filter = (QueueListFilter, "answer", "school__country")
    ordering = ("answered_at", "pk")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SchoolAnswerReview]:
        ids = school_answers_awaiting_review().values("pk")
        return (
            SchoolAnswerReview.objects.filter(pk__in=ids)
            .select_related("applicant", "school", "diploma", "transcript")
            .order_by("answered_at", "pk")
        )

    @admin.display(description="school", ordering="school__name")
    def school_short(self, obj: SchoolAnswerReview) -> str:
        return f"{obj.school.imed_id} ({obj.school.country})"

    @admin.display(description="answer", ordering="answer")
    def answer_short(self, obj: SchoolAnswerReview) -> str:
        return SHORT_ANSWER.get(obj.answer, obj.answer)

    @admin.display(boolean=True, description="transcript")
    def has_transcript(self, obj: SchoolAnswerReview) -> bool:
        return obj.transcript_id is not None

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("credentials.change_schoolverificationrequest")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("credentials.view_schoolverificationrequest") or (
            self.has_change_permission(request, obj)
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        return admin_review.school_answer_review_view(self, request, object_id)


@admin.register(VerificationEmail)
class VerificationEmailAdmin(QueueOrderingMixin, _ReadOnly, admin.ModelAdmin[VerificationEmail]):
    """Every e-mail of the workflow; filter on "Failed" to see permanent errors."""

    list_display = (
        "pk",
        "request",
        "step",
        "kind",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "last_error",
    )
    list_filter = (QueueListFilter, "status", "kind")
    list_select_related = ("request",)
    date_hierarchy = "created_at"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

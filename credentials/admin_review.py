"""One-page reviews in the admin: a document beside the applicant's identity, and a
school's answer beside the diploma, each with every decision on the page.

Opening a page claims its item for a few minutes (shown on the page); deciding
needs the claim (``credentials.services.review``). "Decide and open the next"
goes on to the oldest item of the same queue that no colleague holds.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from credentials import review_pages
from credentials.models import Document, DocumentEvent, ReasonTemplate, SchoolVerificationRequest
from credentials.services import review
from credentials.workbench_queues import DIPLOMAS_TO_SEND, DOCUMENTS_TO_REVIEW, SCHOOL_ANSWERS
from ecfmg_portal.errors import DomainError
from ecfmg_portal.workbench.claims import claim_take

NEXT_BUTTON = "_next"


class DocumentReviewForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect)
    template = forms.ModelChoiceField(
        label="Reason",
        queryset=ReasonTemplate.objects.none(),
        required=False,
        empty_label="(write the reason below)",
        help_text="Required to reject or when unable to verify.",
    )
    reason = forms.CharField(
        label="Reason the applicant reads (leave empty to use the chosen reason as written)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self, *args: Any, decisions: list[review.Decision], templates: list[ReasonTemplate], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.decisions = {d.key: d for d in decisions}
        self.fields["decision"].choices = [(d.key, d.label) for d in decisions]  # type: ignore[attr-defined]
        field = self.fields["template"]
        field.queryset = ReasonTemplate.objects.filter(pk__in=[t.pk for t in templates])  # type: ignore[attr-defined]
        field.choices = [("", field.empty_label)] + [  # type: ignore[attr-defined]
            (t.pk, f"{t.get_decision_display()}: {t.title}") for t in templates
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = self.decisions.get(data.get("decision", ""))
        if decision is None:
            return data
        data["reason_text"] = review.reason_text(
            decision=decision.key, template=data.get("template"), text=data.get("reason", "")
        )
        if decision.needs_reason and not data["reason_text"]:
            self.add_error("reason", "Choose a reason or write one: the applicant is told why.")
        return data


def _identity(applicant: Any) -> list[tuple[str, Any]]:
    school = applicant.school
    return [
        ("Given names", applicant.given_names or "—"),
        ("Last name", applicant.last_name or "—"),
        ("Date of birth", applicant.date_of_birth or "—"),
        ("USMLE/ECFMG ID", applicant.usmle_id or "not issued"),
        ("Medical school", f"{school.name} ({school.imed_id}, {school.country})" if school else "—"),
        ("Graduation date", applicant.graduation_date or "—"),
    ]


def _queue_for(document: Document) -> Any:
    return DIPLOMAS_TO_SEND if document.kind == Document.Kind.DIPLOMA else DOCUMENTS_TO_REVIEW


def document_review_view(model_admin: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    try:
        pk = int(object_id)
    except ValueError:
        raise Http404 from None
    document = get_object_or_404(Document.objects.select_related("applicant__school", "reviewed_by"), pk=pk)
    may_decide = model_admin.has_change_permission(request)
    decisions = review.document_review_decisions(document=document) if may_decide else []
    claim = claim_take(queue=review.DOCUMENT_CLAIMS, object_id=pk, user=request.user) if decisions else None
    templates = review.reason_templates(decisions=[d.key for d in decisions if d.needs_reason])
    form = DocumentReviewForm(
        request.POST if request.method == "POST" else None, decisions=decisions, templates=templates
    )
    queue = _queue_for(document)
    if request.method == "POST":
        if not decisions:
            raise PermissionDenied
        if form.is_valid():
            try:
                review.document_review_decide(
                    document=document,
                    decision=form.cleaned_data["decision"],
                    actor=request.user,
                    reason=form.cleaned_data.get("reason_text", ""),
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                model_admin.message_user(request, f"{document}: decision recorded.", messages.SUCCESS)
                return HttpResponseRedirect(
                    _after_decision(request, queue, document.pk, "admin:credentials_document_change")
                )
    page_count = review_pages.document_page_count(document)
    events = DocumentEvent.objects.filter(document=document).select_related("actor").order_by("at", "pk")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Review: {document.get_kind_display()} of {document.applicant.full_name or document.applicant}",
        "opts": model_admin.model._meta,
        "document": document,
        "applicant": document.applicant,
        "identity": [
            *_identity(document.applicant),
            ("Language of the document", document.language),
            ("Issue date (as entered)", document.issue_date or "—"),
        ],
        "pages": range(1, page_count + 1),
        "page_count": page_count,
        "is_image": document.content_type in ("image/jpeg", "image/png"),
        "events": list(events),
        "form": form,
        "claim": claim,
        "may_decide": bool(decisions) and claim is not None and claim.mine,
        "queue": queue,
        "next_button": NEXT_BUTTON,
    }
    return TemplateResponse(request, "admin/credentials/document_review.html", context)


def _after_decision(request: HttpRequest, queue: Any, done_pk: int, change_url: str) -> str:
    if NEXT_BUTTON in request.POST:
        following = review.next_in_queue(
            items=queue.items(),
            claims=review.DOCUMENT_CLAIMS if queue is not SCHOOL_ANSWERS else review.ANSWER_CLAIMS,
            user=request.user,
            oldest_field=queue.oldest_field,
            after_pk=done_pk,
        )
        if following is not None:
            return reverse(change_url, args=[following.pk])
        messages.info(request, "That was the last item in this queue.")
    return queue.url()


def page_image_view(model_admin: Any, request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One page of the document as PNG (the original file for an image upload)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    document = get_object_or_404(Document, pk=pk)
    if document.content_type in ("image/jpeg", "image/png"):
        if number != 1:
            raise Http404
        with document.file.open("rb") as handle:
            body, content_type = handle.read(), document.content_type
    else:
        pages = review_pages.document_pages(document)
        if not 1 <= number <= len(pages):
            raise Http404
        body, content_type = pages[number - 1], "image/png"
    response = HttpResponse(body, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{document.kind}-{document.pk}-page-{number}.png"'
    return response


class AnswerRejectForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome the applicant sees",
        choices=[(review.UNABLE, "Unable to verify"), (review.REJECT, "Rejected")],
        widget=forms.RadioSelect,
    )
    template = forms.ModelChoiceField(
        label="Reason",
        queryset=ReasonTemplate.objects.filter(is_active=True),
        required=False,
        empty_label="(write the reason below)",
    )
    reason = forms.CharField(
        label="Reason the applicant reads (leave empty to use the chosen reason as written)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "outcome" in data:
            data["reason_text"] = review.reason_text(
                decision=data["outcome"], template=data.get("template"), text=data.get("reason", "")
            )
            if not data["reason_text"]:
                self.add_error("reason", "Choose a reason or write one: the applicant is told why.")
        return data


def school_answer_review_view(model_admin: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    try:
        pk = int(object_id)
    except ValueError:
        raise Http404 from None
    verification = get_object_or_404(
        SchoolVerificationRequest.objects.select_related(
            "applicant__school", "school", "diploma", "transcript"
        ),
        pk=pk,
    )
    may_decide = model_admin.has_change_permission(request) and (
        verification.status == SchoolVerificationRequest.Status.ANSWERED
    )
    claim = claim_take(queue=review.ANSWER_CLAIMS, object_id=pk, user=request.user) if may_decide else None
    reject_form = AnswerRejectForm(request.POST if "reject" in request.POST else None)
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        try:
            if "accept" in request.POST:
                review.school_answer_decide(verification=verification, actor=request.user, accept=True)
            elif reject_form.is_valid():
                review.school_answer_decide(
                    verification=verification,
                    actor=request.user,
                    accept=False,
                    outcome=reject_form.cleaned_data["outcome"],
                    reason=reject_form.cleaned_data["reason_text"],
                )
            else:
                raise DomainError("form_invalid", "Choose the outcome and the reason.")
        except DomainError as error:
            model_admin.message_user(request, error.message, messages.ERROR)
        else:
            model_admin.message_user(request, f"Request #{pk}: decision recorded.", messages.SUCCESS)
            return HttpResponseRedirect(
                _after_decision(request, SCHOOL_ANSWERS, pk, "admin:credentials_schoolanswerreview_change")
            )
    diploma = verification.diploma
    page_count = review_pages.document_page_count(diploma)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Evaluate the school's answer — request #{pk}",
        "opts": model_admin.model._meta,
        "review": verification,
        "applicant": verification.applicant,
        "identity": _identity(verification.applicant),
        "document": diploma,
        "pages": range(1, page_count + 1),
        "page_count": page_count,
        "is_image": diploma.content_type in ("image/jpeg", "image/png"),
        "reject_form": reject_form,
        "claim": claim,
        "may_decide": may_decide and claim is not None and claim.mine,
        "queue": SCHOOL_ANSWERS,
        "next_button": NEXT_BUTTON,
    }
    return TemplateResponse(request, "admin/credentials/review_answer.html", context)

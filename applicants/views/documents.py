"""Credential uploads (R-ED-3..7) and the download of one's own documents."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from applicants.forms import DocumentUploadForm
from applicants.models import Applicant
from credentials.models import Document
from credentials.selectors import current_documents
from credentials.services.documents import APPLICANT_KINDS, document_submission_refusal, document_submit
from ecfmg_portal.errors import DomainError

from .common import applicant_required, show_domain_error

# What the applicant should do, by state (domain.md vocabulary).
NEXT_ACTION: dict[str, str] = {
    Document.Status.RECEIVED: "Nothing to do now: ECFMG will review it.",
    Document.Status.SENT_FOR_VERIFICATION: "Nothing to do now: we asked your medical school to confirm it.",
    Document.Status.VERIFIED: "Nothing to do: this document is accepted.",
    Document.Status.UNABLE_TO_VERIFY: "Contact your medical school and ECFMG support.",
    Document.Status.REJECTED: "Upload a new copy that fixes the reason above.",
}


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    document: Document | None
    status_label: str
    next_action: str
    refusal: str | None


def kind_rows(applicant: Applicant, documents: list[Document]) -> list[KindRow]:
    today = timezone.localdate()
    rows = []
    for kind in APPLICANT_KINDS:
        latest = next((d for d in documents if d.kind == kind), None)
        refusal = document_submission_refusal(applicant=applicant, kind=kind, today=today)
        if latest is None and kind == Document.Kind.TRANSFER_TRANSCRIPT and not applicant.transfer_years:
            status_label, action = "Not needed", "You declared no transfer credit."
        elif latest is None:
            status_label, action = "Not yet submitted", refusal or "Upload it with the form below."
        else:
            status_label, action = latest.get_status_display(), NEXT_ACTION.get(latest.status, "")
        rows.append(KindRow(kind, kind.label, latest, status_label, action, refusal))
    return rows


@applicant_required
def documents(request: HttpRequest, applicant: Applicant) -> HttpResponse:
    form = DocumentUploadForm(
        request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = document_submit(
                applicant=applicant,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                language=form.cleaned_data["language"],
                issue_date=form.cleaned_data["issue_date"],
                actor=request.user,
            )
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(
                request,
                f"We received your {document.get_kind_display().lower()}. "
                "Its state is now \u201cReceived\u201d; we will tell you when it changes.",
            )
            return redirect("documents")
    current = list(current_documents(applicant=applicant).order_by("-created_at"))
    return render(
        request,
        "applicants/documents.html",
        {
            "applicant": applicant,
            "form": form,
            "rows": kind_rows(applicant, current),
            "documents": current,
        },
    )


@applicant_required
def document_download(request: HttpRequest, applicant: Applicant, pk: int) -> HttpResponseBase:
    """The applicant's own file, always as an attachment with the detected type:
    another applicant's document is "not found", never "forbidden"."""
    document = Document.objects.filter(pk=pk, applicant=applicant).first()
    if document is None or not document.file.name:
        raise Http404("No such document.")
    try:
        handle = default_storage.open(document.file.name, "rb")
    except FileNotFoundError:
        raise Http404("No such document.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name or f"document-{document.pk}",
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

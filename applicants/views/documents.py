"""Credential uploads (R-ED-3..7) and the download of one's own documents."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from applicants.forms import DocumentUploadForm
from applicants.models import Applicant
from applicants.selectors import applicant_journey
from applicants.selectors.journey_documents import kind_name
from credentials.models import Document
from credentials.services.documents import document_submit
from credentials.uploads import UploadRateLimited
from ecfmg_portal.errors import DomainError

from .common import applicant_required, show_domain_error
from .document_drafts import document_draft_start, upload_rate_limited


def document_name(document: Document) -> str:
    """ "final medical diploma", "official English translation of the diploma": the kind's
    name inside a sentence, with only its first letter lowered (English keeps its capital)."""
    return kind_name(document.kind)


@applicant_required
def documents(request: HttpRequest, applicant: Applicant) -> HttpResponse:
    """The documents this applicant needs now, from the journey: a kind that is not
    needed, or whose upload would be refused, gets no upload form."""
    journey = applicant_journey(applicant)
    form = DocumentUploadForm(
        request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")}
    )
    # Only the kinds the journey asks for are offered; any other posted kind still gets
    # the service's explanation of why it is refused.
    form.fields["kind"].widget.choices = [
        (row.kind, row.label) for row in journey.documents if row.may_upload
    ]
    if request.method == "POST" and form.is_valid():
        files = form.cleaned_data["file"]
        try:
            if len(files) > 1:  # several pages: assembled into a draft the applicant checks first
                return document_draft_start(request, applicant, form.cleaned_data)
            document = document_submit(
                applicant=applicant,
                kind=form.cleaned_data["kind"],
                upload=files[0],
                language=form.cleaned_data["language"],
                issue_date=form.cleaned_data["issue_date"],
                actor=request.user,
            )
        except UploadRateLimited as error:
            return upload_rate_limited(request, error)
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(
                request,
                gettext(
                    "We received your %(document)s. Its state is now “Received”; we will tell you when it changes."
                )
                % {"document": document_name(document)},
            )
            return redirect("documents")
    return render(
        request,
        "applicants/documents.html",
        {"applicant": applicant, "form": form, "journey": journey, "rows": journey.documents},
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

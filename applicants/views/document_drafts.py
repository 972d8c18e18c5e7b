"""A document of several pages: the preview of each page, then confirm or start again.

Thin: the services in ``credentials.services.document_drafts`` check, disarm,
assemble and own the draft; these views show it. Every URL is the applicant's
own: another applicant's draft is "not found".
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from applicants.models import Applicant
from applicants.selectors.journey_documents import kind_name
from credentials.models import Document
from credentials.services.document_drafts import (
    document_draft_confirm,
    document_draft_create,
    document_draft_discard,
    document_draft_of,
    document_draft_page,
)
from credentials.uploads import UploadRateLimited
from ecfmg_portal.errors import DomainError, NotFound

from .common import applicant_required


def document_draft_start(request: HttpRequest, applicant: Applicant, cleaned: dict[str, Any]) -> HttpResponse:
    """Called by the documents page for several files; raises ``DomainError`` to it."""
    draft = document_draft_create(
        applicant=applicant,
        kind=cleaned["kind"],
        uploads=cleaned["file"],
        language=cleaned["language"],
        issue_date=cleaned["issue_date"],
        actor=request.user,
    )
    return redirect("document_draft", draft_id=draft.pk)


def upload_rate_limited(request: HttpRequest, error: UploadRateLimited) -> HttpResponse:
    return render(request, "applicants/upload_rate_limited.html", {"message": error.message}, status=429)


@applicant_required
def document_draft(request: HttpRequest, applicant: Applicant, draft_id: str) -> HttpResponse:
    try:
        draft = document_draft_of(applicant=applicant, draft_id=draft_id)
    except NotFound:
        raise Http404("No such preview.") from None
    return render(
        request,
        "applicants/document_preview.html",
        {"draft": draft, "page_numbers": range(1, draft.pages + 1), "kind_label": _kind_label(draft.kind)},
    )


@applicant_required
def document_draft_page_image(
    request: HttpRequest, applicant: Applicant, draft_id: str, page: int
) -> HttpResponse:
    try:
        png = document_draft_page(applicant=applicant, draft_id=draft_id, page=page)
    except NotFound:
        raise Http404("No such page.") from None
    response = HttpResponse(png, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@applicant_required
def document_draft_send(request: HttpRequest, applicant: Applicant, draft_id: str) -> HttpResponse:
    try:
        document = document_draft_confirm(applicant=applicant, draft_id=draft_id, actor=request.user)
    except NotFound:
        raise Http404("No such preview.") from None
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("documents")
    messages.success(
        request,
        gettext(
            "We received your %(document)s as one PDF of all its pages. "
            "Its state is now “Received”; we will tell you when it changes."
        )
        % {"document": kind_name(document.kind).lower()},
    )
    return redirect("documents")


@require_POST
@applicant_required
def document_draft_start_again(request: HttpRequest, applicant: Applicant, draft_id: str) -> HttpResponse:
    try:
        document_draft_discard(applicant=applicant, draft_id=draft_id)
    except NotFound:
        raise Http404("No such preview.") from None
    messages.info(request, gettext("Nothing was sent. Choose the files again."))
    return redirect("documents")


def _kind_label(kind: str) -> str:
    try:
        return str(Document.Kind(kind).label)
    except ValueError:
        return kind

"""The school official's pages, reached only through the e-mailed link (no account).

The token in the URL is the only credential: unknown or tampered -> 404 page,
used/closed/expired -> 410 page, never a 500. Documents are served only if they
belong to the request the token opens, as attachments with nosniff.
"""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from credentials.forms import SchoolAnswerForm
from credentials.selectors import response_documents
from credentials.services.school_verification import (
    LinkGone,
    school_verification_answer,
    school_verification_for_token,
)
from ecfmg_portal.errors import DomainError, NotFound
from ecfmg_portal.i18n import supported_language


def _speak(request: HttpRequest, language: str | None) -> str:
    """Activate the page's language: the visitor's own choice (the switcher's cookie) if
    they made one, else ``language`` (the school's; docs/i18n.md). English stays beside
    it on every text (``{% bilingual %}``)."""
    chosen = supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    code = chosen or supported_language(language) or settings.LANGUAGE_CODE
    translation.activate(code)
    request.LANGUAGE_CODE = code
    return code


def _link_problem(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(
        request,
        "school/link_problem.html",
        {"error": error, "expired": error.code == "link_expired", "gone": isinstance(error, LinkGone)},
        status=error.status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    try:
        verification = school_verification_for_token(token)
    except (NotFound, LinkGone) as error:
        return _link_problem(request, error)
    language = _speak(request, verification.school.language)
    form = SchoolAnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            school_verification_answer(
                verification=verification,
                answer=form.cleaned_data["answer"],
                official_name=form.cleaned_data["official_name"],
                official_title=form.cleaned_data["official_title"],
                comment=form.cleaned_data["comment"],
                transcript=form.cleaned_data["transcript"],
            )
        except LinkGone as error:
            return _link_problem(request, error)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            # No token any more: the thanks page is told the school's language.
            return redirect(reverse("school:thanks") + f"?language={language}")
    return render(
        request,
        "school/respond.html",
        {
            "verification": verification,
            "applicant": verification.applicant,
            "documents": response_documents(verification),
            "form": form,
            "token": token,
        },
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET"])
def respond_document(request: HttpRequest, token: str, document_id: int) -> HttpResponse | FileResponse:
    try:
        verification = school_verification_for_token(token)
    except (NotFound, LinkGone) as error:
        return _link_problem(request, error)
    document = next((d for d in response_documents(verification) if d.pk == document_id), None)
    if document is None:
        return _link_problem(request, NotFound("This document is not part of the request."))
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.kind}-{document.pk}.{(document.file.name or '').rsplit('.', 1)[-1]}",
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET"])
def thanks(request: HttpRequest) -> HttpResponse:
    _speak(request, request.GET.get("language"))
    return render(request, "school/thanks.html")

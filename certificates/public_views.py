"""Public, no login (R-VE-4, api.md "Verifiable certificates"): the issuer's DID
document, the status lists, our JSON-LD context, and the page where anyone drops a
certificate PDF or credential file to check it."""

from __future__ import annotations

import json
import math

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from verification.api.throttles import PublicPageThrottle

from .issuer import did_document
from .models import StatusList
from .signing.jsonld import CERTIFICATE_CONTEXT_V1, bundled_context
from .status_lists import status_list_credential
from .trust_sources import PortalSources
from .verifier import ReadableOutcome, verify_file

DID_MEDIA_TYPE = "application/did+ld+json"
VC_MEDIA_TYPE = "application/vc+ld+json"
# The DID document changes only when keys rotate; verifiers may keep it a few minutes.
DID_DOCUMENT_MAX_AGE = 300


class CredentialVerifyThrottle(PublicPageThrottle):
    """Files verified per client address (the page and the API share the count)."""

    scope = "credential_verify"


def _json(document: object, *, media_type: str, max_age: int) -> HttpResponse:
    response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=2), content_type=media_type)
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"  # public documents any verifier may read
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def issuer_did_document(request: HttpRequest) -> HttpResponse:
    return _json(did_document(), media_type=DID_MEDIA_TYPE, max_age=DID_DOCUMENT_MAX_AGE)


@require_safe
def credential_status_list(request: HttpRequest, name: str) -> HttpResponse:
    """The signed list, as of this request: a revocation shows on the next one.
    ``Cache-Control`` (and the list's ``ttl``) say how long a verifier may keep it."""
    status_list = StatusList.objects.filter(name=name).first()
    if status_list is None:
        raise Http404("No such status list.")
    return _json(
        status_list_credential(status_list), media_type=VC_MEDIA_TYPE, max_age=settings.STATUS_LIST_MAX_AGE
    )


@require_safe
def certificate_context(request: HttpRequest) -> HttpResponse:
    """A copy of the bundled context, for readers; verifiers use their own bundled copy."""
    return JsonResponse(bundled_context(CERTIFICATE_CONTEXT_V1), content_type="application/ld+json")


def _rate_limited(request: HttpRequest) -> HttpResponse | None:
    throttle = CredentialVerifyThrottle()
    if throttle.allows(request):
        return None
    wait = throttle.wait()
    retry_after = max(1, math.ceil(wait)) if wait is not None else 60
    response = render(request, "verification/rate_limited.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def credential_verify_page(request: HttpRequest) -> HttpResponse:
    """Drop a file, read the verdict in plain words, in the reader's language, with
    what was checked."""
    outcome: ReadableOutcome | None = None
    error = ""
    status = 200
    if request.method == "POST":
        limited = _rate_limited(request)
        if limited is not None:
            return limited
        upload = request.FILES.get("file")
        if upload is None:
            error, status = _("Choose a certificate PDF or credential file to check."), 400
        elif upload.size is not None and upload.size > settings.CREDENTIAL_VERIFY_MAX_BYTES:
            limit_mib = settings.CREDENTIAL_VERIFY_MAX_BYTES / (1024 * 1024)
            error = _("That file is larger than %(size)s MiB: no certificate is.") % {
                "size": f"{limit_mib:.0f}"
            }
            status = 413
        else:
            verified = verify_file(upload.read(settings.CREDENTIAL_VERIFY_MAX_BYTES + 1), PortalSources())
            outcome = verified.for_reader()
    response = render(
        request,
        "certificates/verify_credential.html",
        {
            "outcome": outcome,
            "error": error,
            "max_mib": settings.CREDENTIAL_VERIFY_MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    return response

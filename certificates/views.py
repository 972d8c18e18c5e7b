"""The applicant's own certificate: its status and the PDF download (R-CE-3)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from applicants.selectors import applicant_journey, journey_applicants

from .credential import MEDIA_TYPE as CREDENTIAL_MEDIA_TYPE
from .selectors import certificate_for_user


@require_GET
@login_required
def certificate_detail(request: HttpRequest) -> HttpResponse:
    """Certified (with dates and the download), revoked (with date, reason and what to
    do), or not yet; with the journey's next step, as on every applicant page."""
    applicant = journey_applicants().filter(user_id=int(request.user.pk or 0)).first()
    journey = None
    if applicant is not None:
        request.user.applicant = applicant  # type: ignore[union-attr]  # the header's ID badge reuses it
        journey = applicant_journey(applicant)
    certificate = journey.certificate if journey is not None else None
    return render(request, "certificates/detail.html", {"certificate": certificate, "journey": journey})


@require_GET
@login_required
def certificate_download(request: HttpRequest, pk: int) -> FileResponse:
    """The signed-in applicant's own PDF, as an attachment. Anyone else's certificate
    is "not found", never "forbidden"."""
    certificate = certificate_for_user(request.user)
    if certificate is None or certificate.pk != pk or not certificate.pdf.name:
        raise Http404("No such certificate.")
    try:
        handle = default_storage.open(certificate.pdf.name, "rb")
    except FileNotFoundError:
        raise Http404("No such certificate.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"ECFMG-certificate-{certificate.number}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def certificate_credential_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed-in applicant's own Verifiable Credential (R-VE-4), the same bytes as
    embedded in the PDF. Anyone else's is "not found"."""
    certificate = certificate_for_user(request.user)
    if certificate is None or certificate.pk != pk or not certificate.credential:
        raise Http404("No such certificate.")
    response = HttpResponse(certificate.credential.encode("utf-8"), content_type=CREDENTIAL_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="ECFMG-certificate-{certificate.number}.vc.json"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

"""A certificate's page in the admin: the PDF, reprint, and revoke with a reason, on
one page; opening it claims it, so two officers never act on it at once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from certificates.models import Certificate
from certificates.services import certificate_reprint, certificate_revoke
from certificates.workbench_queues import RECENTLY_ISSUED
from ecfmg_portal.errors import DomainError
from ecfmg_portal.workbench.claims import claim_release, claim_require, claim_take

CERTIFICATE_CLAIMS = "certificate"


class RevokeOnPageForm(forms.Form):
    reason = forms.CharField(
        label="Reason for revoking (recorded in the audit trail and shown to the applicant)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def certificate_act(*, certificate: Certificate, actor: Any, action: str, reason: str = "") -> Certificate:
    """Reprint or revoke for the officer who holds the certificate's claim."""
    with transaction.atomic():
        claim_require(queue=CERTIFICATE_CLAIMS, object_id=certificate.pk, user=actor)
        if action == "revoke":
            done = certificate_revoke(certificate=certificate, reason=reason, actor=actor)
            claim_release(queue=CERTIFICATE_CLAIMS, object_id=certificate.pk, user=actor)
        else:
            done = certificate_reprint(certificate=certificate, actor=actor)
    return done


def certificate_review_view(model_admin: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    try:
        pk = int(object_id)
    except ValueError:
        raise Http404 from None
    certificate = get_object_or_404(Certificate.objects.select_related("applicant", "revoked_by"), pk=pk)
    may_revoke = request.user.has_perm("certificates.revoke_certificate") and not certificate.is_revoked
    may_reprint = request.user.has_perm("certificates.reprint_certificate")
    claim = (
        claim_take(queue=CERTIFICATE_CLAIMS, object_id=pk, user=request.user)
        if (may_revoke or may_reprint)
        else None
    )
    form = RevokeOnPageForm(request.POST if "revoke" in request.POST else None)
    if request.method == "POST":
        action = "revoke" if "revoke" in request.POST else "reprint"
        if not (may_revoke if action == "revoke" else may_reprint):
            raise PermissionDenied
        if action == "reprint" or form.is_valid():
            try:
                certificate_act(
                    certificate=certificate,
                    actor=request.user,
                    action=action,
                    reason=form.cleaned_data.get("reason", "") if form.is_bound else "",
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    f"Certificate {certificate.number} "
                    + (
                        "revoked." if action == "revoke" else "queued for reprinting (same number and dates)."
                    ),
                )
                target = RECENTLY_ISSUED.url() if action == "revoke" else request.path
                return HttpResponseRedirect(target)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Certificate {certificate.number}",
        "opts": model_admin.model._meta,
        "certificate": certificate,
        "applicant": certificate.applicant,
        "form": form,
        "claim": claim,
        "mine": claim is not None and claim.mine,
        "may_revoke": may_revoke,
        "may_reprint": may_reprint,
        "queue": RECENTLY_ISSUED,
        "pdf_url": reverse("admin:certificates_certificate_pdf", args=[pk]) if certificate.pdf.name else "",
    }
    return TemplateResponse(request, "admin/certificates/certificate_review.html", context)


def certificate_pdf_view(model_admin: Any, request: HttpRequest, pk: int) -> FileResponse:
    """The PDF, shown in the browser for staff (read in a new tab)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    certificate = get_object_or_404(Certificate, pk=pk)
    if not certificate.pdf.name:
        raise Http404("The PDF is not rendered yet.")
    try:
        handle = default_storage.open(certificate.pdf.name, "rb")
    except FileNotFoundError:
        raise Http404("The PDF is not rendered yet.") from None
    response = FileResponse(
        handle, content_type="application/pdf", filename=f"certificate-{certificate.number}.pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response

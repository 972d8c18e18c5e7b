"""The identity form that earns the USMLE/ECFMG ID (R-ID-1..3), the school search,
and the correction request for locked details."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from applicants.forms import ChangeRequestForm, IdentityForm, schools_matching
from applicants.models import Applicant
from applicants.services.profile import (
    applicant_submit_identity,
    email_confirmation_refusal,
    identity_change_request_create,
)
from ecfmg_portal.errors import DomainError

from .common import applicant_required, show_domain_error


def _search(request: HttpRequest, name: str) -> tuple[str, list]:
    query = request.GET.get(name, "").strip()[:100]
    return query, list(schools_matching(query)) if query else []


def _identity_page(
    request: HttpRequest, applicant: Applicant, form: IdentityForm, change_form: ChangeRequestForm
) -> HttpResponse:
    return render(
        request,
        "applicants/identity.html",
        {
            "applicant": applicant,
            "form": form,
            "change_form": change_form,
            "school_q": request.GET.get("school_q", ""),
            "transfer_q": request.GET.get("transfer_q", ""),
            "correction_q": request.GET.get("correction_q", ""),
            "confirmation_refusal": email_confirmation_refusal(user=applicant.user),
            "change_requests": list(applicant.change_requests.order_by("-created_at")[:5]),
        },
    )


@applicant_required
def identity(request: HttpRequest, applicant: Applicant) -> HttpResponse:
    _, school_results = _search(request, "school_q")
    _, transfer_results = _search(request, "transfer_q")
    form = IdentityForm(
        request.POST or None,
        applicant=applicant,
        school_results=school_results,
        transfer_results=transfer_results,
    )
    if request.method == "POST" and form.is_valid():
        had_id = bool(applicant.usmle_id)
        try:
            saved = applicant_submit_identity(applicant=applicant, values=form.values(), actor=request.user)
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            if saved.usmle_id and not had_id:
                messages.success(
                    request,
                    f"Your USMLE/ECFMG Identification Number is {saved.usmle_id}. "
                    "Keep it: you need it for every exam application and every message to ECFMG.",
                )
            elif saved.usmle_id:
                messages.success(request, "Your details are saved.")
            else:
                messages.warning(
                    request,
                    "Your details are saved. Confirm your e-mail address to receive your "
                    "USMLE/ECFMG ID, then send this form again.",
                )
            return redirect("dashboard")
    _, correction_results = _search(request, "correction_q")
    return _identity_page(request, applicant, form, ChangeRequestForm(school_results=correction_results))


@require_GET
@applicant_required
def school_search(request: HttpRequest, applicant: Applicant) -> HttpResponse:
    """A small HTML fragment of <option> elements for the school select (static/js)."""
    query, schools = _search(request, "q")
    return render(
        request,
        "applicants/_school_options.html",
        {"schools": schools, "query": query, "empty_label": request.GET.get("empty", "")},
    )


@require_POST
@applicant_required
def identity_change_request(request: HttpRequest, applicant: Applicant) -> HttpResponse:
    change_form = ChangeRequestForm(request.POST)
    if change_form.is_valid():
        try:
            identity_change_request_create(
                applicant=applicant,
                changes=change_form.changes(),
                reason=change_form.cleaned_data["reason"],
                actor=request.user,
            )
        except DomainError as error:
            show_domain_error(request, error, change_form)
        else:
            messages.success(
                request,
                "Your correction request is sent. ECFMG staff will review it; we will tell you the answer.",
            )
            return redirect("identity")
    form = IdentityForm(applicant=applicant)
    return _identity_page(request, applicant, form, change_form)

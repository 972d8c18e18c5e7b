"""The identity form that earns the USMLE/ECFMG ID (R-ID-1..3), the page where the
applicant checks their answers before the ID is issued and the identity locks, the
school search, and the correction request for locked details."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries

from applicants.forms import ChangeRequestForm, IdentityForm
from applicants.models import Applicant
from applicants.services.profile import (
    IDENTITY_FIELDS,
    IdentityInvalid,
    applicant_confirm_identity,
    applicant_update_identity,
    email_confirmation_refusal,
    identity_answers_digest,
    identity_change_request_create,
    identity_problems,
)
from credentials.models import School
from credentials.school_search import SchoolQueryInvalid, school_query_clean, schools_matching
from ecfmg_portal.errors import DomainError

from .common import applicant_required, show_domain_error


def _search(request: HttpRequest, name: str) -> tuple[str, list[School]]:
    """The school search of the page without JavaScript: a bad query finds nothing."""
    try:
        query = school_query_clean(request.GET.get(name, ""))
    except SchoolQueryInvalid:
        return "", []
    return query, list(schools_matching(query)) if query else []


def _identity_page(
    request: HttpRequest,
    applicant: Applicant,
    form: IdentityForm,
    change_form: ChangeRequestForm,
    queries: dict[str, str],
) -> HttpResponse:
    return render(
        request,
        "applicants/identity.html",
        {
            "applicant": applicant,
            "form": form,
            "change_form": change_form,
            "school_q": queries.get("school_q", ""),
            "transfer_q": queries.get("transfer_q", ""),
            "correction_q": queries.get("correction_q", ""),
            "confirmation_refusal": email_confirmation_refusal(user=applicant.user),
            "change_requests": list(applicant.change_requests.order_by("-created_at")[:5]),
        },
    )


def _add_problems(form: IdentityForm, error: DomainError) -> None:
    problems = error.problems if isinstance(error, IdentityInvalid) else {error.field or "": error.message}
    for field, message in problems.items():
        form.add_error(field if field in form.fields else None, message)


@require_http_methods(["GET", "POST"])
@applicant_required
def identity(request: HttpRequest, applicant: Applicant) -> HttpResponse:
    school_q, school_results = _search(request, "school_q")
    transfer_q, transfer_results = _search(request, "transfer_q")
    form = IdentityForm(
        request.POST or None,
        applicant=applicant,
        school_results=school_results,
        transfer_results=transfer_results,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = applicant_update_identity(applicant=applicant, values=form.values(), actor=request.user)
        except DomainError as error:
            _add_problems(form, error)
        else:
            if saved.usmle_id:
                messages.success(request, gettext("Your years of credit are saved."))
                return redirect("dashboard")
            # Nothing is locked yet: the applicant checks the answers, then confirms.
            return redirect("identity_check")
    correction_q, correction_results = _search(request, "correction_q")
    return _identity_page(
        request,
        applicant,
        form,
        ChangeRequestForm(school_results=correction_results),
        {"school_q": school_q, "transfer_q": transfer_q, "correction_q": correction_q},
    )


def _answers(applicant: Applicant) -> list[tuple[str, str, str]]:
    """(label, value as shown, field id to change it) for the check page."""
    form = IdentityForm(applicant=applicant)

    def school(value: School | None) -> str:
        return f"{value.name}, {value.city} ({value.country}), IMED {value.imed_id}" if value else "None"

    shown = {
        "given_names": applicant.given_names,
        "last_name": applicant.last_name,
        "date_of_birth": f"{applicant.date_of_birth:%-d %B %Y}" if applicant.date_of_birth else "",
        "country": str(countries.name(applicant.country)),
        "school": school(applicant.school),
        "graduation_date": f"{applicant.graduation_date:%-d %B %Y}" if applicant.graduation_date else "",
        "academic_years": _years(applicant.academic_years),
        "transfer_school": school(applicant.transfer_school),
        "transfer_years": _years(applicant.transfer_years),
        "transfer_credit_first_year": str(applicant.transfer_credit_first_year or "None"),
        "transfer_credit_last_year": str(applicant.transfer_credit_last_year or "None"),
    }
    return [(str(form.fields[f].label), shown[f], form[f].id_for_label) for f in IDENTITY_FIELDS]


def _years(value: object) -> str:
    text = f"{value:f}".removesuffix(".0")
    return f"{text} year" if text == "1" else f"{text} years"


@require_http_methods(["GET", "POST"])
@applicant_required
def identity_check(request: HttpRequest, applicant: Applicant) -> HttpResponse:
    """Check your answers: the only way to the ID. Change links lead back to the form,
    which shows the saved values."""
    if applicant.usmle_id:
        return redirect("identity")
    _, problems = identity_problems(
        values={f: getattr(applicant, f) for f in IDENTITY_FIELDS}, today=timezone.localdate()
    )
    if problems:
        messages.warning(request, gettext("Complete your identity details first."))
        return redirect("identity")
    if request.method == "POST":
        try:
            applicant_confirm_identity(
                applicant=applicant, digest=request.POST.get("answers", "")[:128], actor=request.user
            )
        except DomainError as error:
            show_domain_error(request, error)
            return redirect("identity_check")
        messages.success(
            request,
            gettext(
                "Your USMLE/ECFMG Identification Number is %(id)s. "
                "Keep it: you need it for every exam application and every message to ECFMG."
            )
            % {"id": applicant.usmle_id},
        )
        return redirect("dashboard")
    return render(
        request,
        "applicants/identity_check.html",
        {
            "applicant": applicant,
            "answers": _answers(applicant),
            "digest": identity_answers_digest(applicant=applicant),
            "confirmation_refusal": email_confirmation_refusal(user=applicant.user),
        },
    )


@require_GET
@applicant_required
def school_search(request: HttpRequest, applicant: Applicant) -> HttpResponse:
    """A small HTML fragment of <option> elements for the school select (static/js).
    A query with control characters (a NUL byte, say) is a 400, never a 500."""
    try:
        query = school_query_clean(request.GET.get("q", ""))
    except SchoolQueryInvalid as error:
        return HttpResponse(
            format_html('<option value="">{}</option>', error.message),
            status=400,
            content_type="text/html; charset=utf-8",
        )
    schools = list(schools_matching(query)) if query else []
    return render(
        request,
        "applicants/_school_options.html",
        {"schools": schools, "query": query, "empty_label": request.GET.get("empty", "")[:100]},
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
                gettext(
                    "Your correction request is sent. ECFMG staff will review it; we will tell you the answer."
                ),
            )
            return redirect("identity")
    form = IdentityForm(applicant=applicant)
    return _identity_page(request, applicant, form, change_form, {})

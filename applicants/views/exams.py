"""Exam applications (R-EX-6, R-ED-4, R-ED-7): each Step with its state, a confirmation
page that shows the fee and the eligibility period before anything is charged, and the
scheduling permit (page and PDF) of each application."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applicants.forms import ExamApplicationForm
from applicants.models import Applicant
from applicants.selectors import applicant_journey
from applicants.services.profile import applicant_apply_for_exam, email_confirmation_refusal
from credentials.services.documents import first_application_credentials_missing
from ecfmg_portal.errors import DomainError
from ecfmg_portal.formatting import format_day
from exams.models import Exam, ExamApplication, ExamResult
from exams.permit import permit_context, permit_pdf_bytes
from exams.selectors import application_for_owner, attempts_used, open_application
from exams.services import ELIGIBILITY_MONTHS, MAX_ATTEMPTS_PER_STEP, add_months, exam_application_refusal

from .common import applicant_required, show_domain_error


@dataclass(frozen=True)
class StepRow:
    exam: str
    label: str
    fee: str
    state: str  # "passed", "open", "can_apply", "cannot_apply"
    status: str
    applications: list[ExamApplication]
    results: list[ExamResult]
    attempts: int
    open_application: ExamApplication | None
    refusal: str | None
    # Where the applicant can act on the refusal, when somewhere can: (url, words).
    refusal_link: tuple[str, str] | None


def _money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def _general_refusal(applicant: Applicant, today: datetime.date) -> tuple[str | None, tuple[str, str] | None]:
    """What stops every application at once, with the page that fixes it."""
    unconfirmed = email_confirmation_refusal(user=applicant.user)
    if unconfirmed:
        return unconfirmed, None
    if not applicant.usmle_id:
        return (
            _("Get your USMLE/ECFMG Identification Number before applying for an exam."),
            (reverse("identity"), _("Go to your identity details")),
        )
    missing = first_application_credentials_missing(applicant=applicant, today=today)
    if missing:
        return missing, (reverse("documents"), _("Go to the Documents page"))
    return None, None


def step_rows(applicant: Applicant) -> list[StepRow]:
    today = timezone.localdate()
    applications = list(ExamApplication.objects.filter(applicant=applicant).order_by("created_at"))
    results = list(ExamResult.objects.filter(applicant=applicant).order_by("test_date"))
    general, general_link = _general_refusal(applicant, today)
    rows = []
    for exam in Exam:
        mine = [a for a in applications if a.exam == exam]
        taken = [r for r in results if r.exam == exam]
        passes = [r for r in taken if r.passed]
        current = open_application(exam=exam, applications=mine, results=taken, today=today)
        refusal, link = None, None
        if passes:
            state, status = "passed", _("Passed on %(on)s") % {"on": format_day(passes[0].test_date)}
        elif current is not None:
            state = "open"
            status = _("Applied: schedule your test date before %(end)s") % {
                "end": format_day(current.eligibility_end)
            }
        else:
            refusal = general or exam_application_refusal(
                applicant=applicant, exam=exam, today=today, applications=mine, results=taken
            )
            link = general_link if general else None
            state = "cannot_apply" if refusal else "can_apply"
            if taken:
                status = _("Not passed yet: last tested on %(on)s") % {"on": format_day(taken[-1].test_date)}
            elif mine:
                status = _("Eligibility period ended on %(end)s without a test") % {
                    "end": format_day(mine[-1].eligibility_end)
                }
            else:
                status = _("Not applied yet")
        rows.append(
            StepRow(
                exam=exam.value,
                label=exam.label,
                fee=_money(settings.EXAM_FEES[exam.value]),
                state=state,
                status=status,
                applications=mine,
                results=taken,
                attempts=attempts_used(exam=exam, applications=mine, results=taken, today=today),
                open_application=current,
                refusal=refusal,
                refusal_link=link,
            )
        )
    return rows


@applicant_required
def exams(request: HttpRequest, applicant: Applicant) -> HttpResponse:
    return render(
        request,
        "applicants/exams.html",
        {
            "applicant": applicant,
            "rows": step_rows(applicant),
            "max_attempts": MAX_ATTEMPTS_PER_STEP,
            # The next step every applicant page names (applicants.selectors.applicant_journey).
            "journey": applicant_journey(applicant),
        },
    )


@require_GET
@applicant_required
def exam_confirm(request: HttpRequest, applicant: Applicant) -> HttpResponse:
    """Before charging: the fee and the eligibility period the application would open."""
    form = ExamApplicationForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose Step 1, Step 2 CK or Step 2 CS."))
        return redirect("exams")
    exam = form.cleaned_data["exam"]
    today = timezone.localdate()
    general, _link = _general_refusal(applicant, today)
    refusal = general or exam_application_refusal(applicant=applicant, exam=exam, today=today)
    if refusal:
        messages.error(request, refusal)
        return redirect("exams")
    return render(
        request,
        "applicants/exam_confirm.html",
        {
            "exam": exam,
            "label": Exam(exam).label,
            "fee": _money(settings.EXAM_FEES[exam]),
            "eligibility_start": today,
            "eligibility_end": add_months(today, ELIGIBILITY_MONTHS),
            "months": ELIGIBILITY_MONTHS,
        },
    )


@require_POST
@applicant_required
def exam_apply(request: HttpRequest, applicant: Applicant) -> HttpResponse:
    form = ExamApplicationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose Step 1, Step 2 CK or Step 2 CS."))
        return redirect("exams")
    exam = form.cleaned_data["exam"]
    if request.POST.get("confirm") != "yes":
        # Nothing is charged without the confirmation page's explicit "yes".
        return redirect(f"{reverse('exam_confirm')}?exam={exam}")
    try:
        application = applicant_apply_for_exam(applicant=applicant, exam=exam, actor=request.user)
    except DomainError as error:
        show_domain_error(request, error)
        return redirect("exams")
    messages.success(
        request,
        _(
            "You applied for %(exam)s. The fee of %(fee)s is added to your balance, and we have e-mailed you "
            "a copy. Here is your scheduling permit."
        )
        % {"exam": application.get_exam_display(), "fee": _money(application.fee.amount)},
    )
    return redirect("permit", pk=application.pk)


def _own_application(applicant: Applicant, pk: int) -> ExamApplication:
    application = application_for_owner(applicant=applicant, pk=pk)
    if application is None:
        raise Http404  # another applicant's permit is never found
    return application


@require_GET
@applicant_required
def permit(request: HttpRequest, applicant: Applicant, pk: int) -> HttpResponse:
    application = _own_application(applicant, pk)
    return render(request, "applicants/permit.html", permit_context(application))


@require_GET
@applicant_required
def permit_pdf(request: HttpRequest, applicant: Applicant, pk: int) -> HttpResponse:
    application = _own_application(applicant, pk)
    # The permit, like every record a US body issues, stays in English (docs/i18n.md);
    # its "what to do next" list is shared with the page, which speaks the applicant's language.
    with translation.override("en"):
        pdf = permit_pdf_bytes(application)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="scheduling-permit-{application.exam.lower()}.pdf"'
    )
    return response

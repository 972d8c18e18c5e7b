"""Exam applications (R-EX-6, R-ED-4): each Step with its status and, when it cannot
be applied for now, the reason from ``exams.services``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from applicants.forms import ExamApplicationForm
from applicants.models import Applicant
from applicants.services.profile import applicant_apply_for_exam, email_confirmation_refusal
from ecfmg_portal.errors import DomainError
from exams.models import Exam, ExamApplication, ExamResult
from exams.services import exam_application_refusal, graduate_needs_credentials_first

from .common import applicant_required, show_domain_error


@dataclass(frozen=True)
class StepRow:
    exam: str
    label: str
    fee: Decimal
    status: str
    applications: list[ExamApplication]
    results: list[ExamResult]
    refusal: str | None


def _status(applications: list[ExamApplication], results: list[ExamResult], today: object) -> str:
    passes = [r for r in results if r.passed]
    if passes:
        return f"Passed on {passes[0].test_date:%d %B %Y}"
    open_periods = [a for a in applications if a.eligibility_end >= today]  # type: ignore[operator]
    if open_periods:
        return f"Applied: eligibility period until {open_periods[-1].eligibility_end:%d %B %Y}"
    if results:
        return f"Not passed yet ({len(results)} attempt{'s' if len(results) != 1 else ''})"
    if applications:
        return "Eligibility period ended"
    return "Not applied yet"


def step_rows(applicant: Applicant) -> list[StepRow]:
    today = timezone.localdate()
    applications = list(ExamApplication.objects.filter(applicant=applicant).order_by("created_at"))
    results = list(ExamResult.objects.filter(applicant=applicant).order_by("test_date"))
    general = email_confirmation_refusal(user=applicant.user)
    if (
        general is None
        and applicant.usmle_id
        and graduate_needs_credentials_first(applicant=applicant, today=today)
    ):
        general = (
            "As a graduate, your first exam application must come with your final diploma "
            "(and its English translation if it is not in English). Upload them on the Documents page, "
            "then apply."
        )
    rows = []
    for exam in Exam:
        mine = [a for a in applications if a.exam == exam]
        taken = [r for r in results if r.exam == exam]
        refusal = exam_application_refusal(applicant=applicant, exam=exam, today=today) or general
        rows.append(
            StepRow(
                exam=exam.value,
                label=exam.label,
                fee=settings.EXAM_FEES[exam.value],
                status=_status(mine, taken, today),
                applications=mine,
                results=taken,
                refusal=refusal,
            )
        )
    return rows


@applicant_required
def exams(request: HttpRequest, applicant: Applicant) -> HttpResponse:
    return render(request, "applicants/exams.html", {"applicant": applicant, "rows": step_rows(applicant)})


@require_POST
@applicant_required
def exam_apply(request: HttpRequest, applicant: Applicant) -> HttpResponse:
    form = ExamApplicationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose Step 1, Step 2 CK or Step 2 CS.")
        return redirect("exams")
    try:
        application = applicant_apply_for_exam(
            applicant=applicant, exam=form.cleaned_data["exam"], actor=request.user
        )
    except DomainError as error:
        show_domain_error(request, error)
        return redirect("exams")
    messages.success(
        request,
        f"You applied for {application.get_exam_display()}. Your eligibility period runs from "
        f"{application.eligibility_start:%d %B %Y} to {application.eligibility_end:%d %B %Y}. "
        f"The fee of ${application.fee.amount} is added to your balance.",
    )
    return redirect("exams")

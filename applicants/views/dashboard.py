"""The applicant's dashboard: what is done, what is missing, what to do next."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from applicants.models import Applicant
from applicants.selectors import applicant_timeline
from applicants.services.ledger import ledger_balance
from applicants.services.profile import email_confirmation_refusal
from certificates.models import Certificate
from certificates.rules import Assessment
from certificates.selectors import applicant_assessment
from credentials.selectors import current_documents, verification_status_for_applicant
from exams.models import ExamApplication
from verification.selectors import verification_requests_for_applicant

from .common import applicant_required


@dataclass(frozen=True)
class NextStep:
    text: str
    url: str = ""
    link_text: str = ""


def _link_for(rule: str, action: str) -> tuple[str, str]:
    if rule in ("R-ID-1", "R-ED-1") or (rule == "R-ED-2" and "transcript" not in action):
        return reverse("identity"), "Go to your identity details"
    if rule.startswith("R-EX"):
        return reverse("exams"), "Go to exam applications"
    if rule.startswith("R-ED"):
        return reverse("documents"), "Go to documents"
    if rule.startswith("R-PAY"):
        return _ledger_url(), "Go to your balance"
    return "", ""


def _ledger_url() -> str:
    try:
        return reverse("ledger")
    except NoReverseMatch:
        return ""


def certificate_download_url(certificate: Certificate) -> str:
    """The certificates app's download page, when it exists (it is built separately)."""
    for kwargs in ({}, {"number": certificate.number}, {"pk": certificate.pk}):
        try:
            return reverse("certificate_download", kwargs=kwargs)
        except NoReverseMatch:
            continue
    return ""


EXAM_OF_RULE = {"R-EX-1": "STEP1", "R-EX-2": "STEP2CK", "R-EX-3": "STEP2CS"}


def next_steps(
    applicant: Applicant, assessment: Assessment, applications: list[ExamApplication]
) -> list[NextStep]:
    """The actions the applicant can take now, most urgent first (at most three): a
    confirmed address and an ID unlock everything else, and money owed blocks the
    certificate, so those come first; then the checklist's actions in rule order."""
    steps: list[NextStep] = []
    refusal = email_confirmation_refusal(user=applicant.user)
    if refusal:
        steps.append(NextStep(refusal, reverse("account"), "Go to your account"))
    if not applicant.usmle_id:
        steps.append(
            NextStep(
                "Fill in your identity details exactly as on your diploma to receive your USMLE/ECFMG ID.",
                reverse("identity"),
                "Fill in your identity details",
            )
        )
    today = timezone.localdate()
    missing = sorted(assessment.missing, key=lambda r: r.rule != "R-PAY-2")
    seen: set[str] = {s.text for s in steps}
    for requirement in missing:
        action = requirement.next_action
        exam = EXAM_OF_RULE.get(requirement.rule)
        open_period = next((a for a in applications if a.exam == exam and a.eligibility_end >= today), None)
        if open_period is not None:
            action = (
                f"Take {open_period.get_exam_display()} within your eligibility period, "
                f"before {open_period.eligibility_end:%d %B %Y}."
            )
        # "Nothing to do now" is a state, not a step: the checklist shows it.
        if not action or action.startswith("Nothing to do") or action in seen or requirement.rule == "R-ID-1":
            continue
        seen.add(action)
        url, link_text = _link_for(requirement.rule, action)
        steps.append(NextStep(action, url, link_text))
    return steps[:3]


@applicant_required
def dashboard(request: HttpRequest, applicant: Applicant) -> HttpResponse:
    assessment = applicant_assessment(applicant=applicant)
    try:
        certificate: Certificate | None = applicant.certificate
    except ObjectDoesNotExist:
        certificate = None
    applications = list(ExamApplication.objects.filter(applicant=applicant).order_by("-created_at"))
    context = {
        "applicant": applicant,
        "assessment": assessment,
        "next_steps": next_steps(applicant, assessment, applications),
        "documents": list(current_documents(applicant=applicant).order_by("kind", "-created_at")),
        "applications": applications,
        "balance": ledger_balance(applicant=applicant),
        "ledger_url": _ledger_url(),
        "certificate": certificate,
        "timeline": applicant_timeline(
            applicant=applicant, applications=applications, certificate=certificate
        ),
        "certificate_url": certificate_download_url(certificate) if certificate else "",
        "school_verification": verification_status_for_applicant(applicant),
        # Who asked about this applicant's status (R-VE-1): the latest ten.
        "status_checks": list(verification_requests_for_applicant(applicant)[:10]),
    }
    return render(request, "applicants/dashboard.html", context)

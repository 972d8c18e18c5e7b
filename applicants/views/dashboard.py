"""The applicant's dashboard: what is done, what is missing, what to do next."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from applicants.models import Applicant
from applicants.services.ledger import ledger_balance
from applicants.services.profile import email_confirmation_refusal
from certificates.models import Certificate
from certificates.rules import Assessment
from certificates.selectors import applicant_assessment
from credentials.selectors import current_documents
from exams.models import ExamApplication

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


def next_steps(applicant: Applicant, assessment: Assessment) -> list[NextStep]:
    """The actions the applicant can take now, most urgent first (at most three)."""
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
    seen: set[str] = {s.text for s in steps}
    for requirement in assessment.missing:
        action = requirement.next_action
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
    context = {
        "applicant": applicant,
        "assessment": assessment,
        "next_steps": next_steps(applicant, assessment),
        "documents": list(current_documents(applicant=applicant).order_by("kind", "-created_at")),
        "applications": list(ExamApplication.objects.filter(applicant=applicant).order_by("-created_at")),
        "balance": ledger_balance(applicant=applicant),
        "ledger_url": _ledger_url(),
        "certificate": certificate,
        "certificate_url": certificate_download_url(certificate) if certificate else "",
    }
    return render(request, "applicants/dashboard.html", context)

"""Reads for ERAS: the status snapshot a report carries, and a program's reports.

``status_payloads`` builds the snapshot for many applicants in a fixed number of
queries (the rules engine's facts loader, plus names and certificates), so a
refresh costs the same whether an applicant applied to 1 program or 80.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from applicants.models import Applicant
from certificates.models import Certificate
from certificates.rules import DIPLOMA, ApplicantFacts, evaluate, first_pass
from certificates.selectors import facts_for_applicants
from credentials.models import Document
from exams.models import Exam
from verification.models import Organization

from .models import StatusReport

# The most advanced state of the current diploma wins (R-ED-8 vocabulary).
_CREDENTIAL_ORDER = (
    Document.Status.VERIFIED,
    Document.Status.SENT_FOR_VERIFICATION,
    Document.Status.RECEIVED,
    Document.Status.UNABLE_TO_VERIFY,
    Document.Status.REJECTED,
)
NOT_SUBMITTED = "not_submitted"
CREDENTIAL_STATUSES = (NOT_SUBMITTED, *(str(s) for s in _CREDENTIAL_ORDER))
CERTIFIED, NOT_CERTIFIED, REVOKED = "certified", "not_certified", "revoked"


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _credential_status(facts: ApplicantFacts) -> str:
    statuses = {d.status for d in facts.documents_of(DIPLOMA)}
    return next((str(s) for s in _CREDENTIAL_ORDER if s in statuses), NOT_SUBMITTED)


def _certification(certificate: Certificate | None) -> dict[str, Any]:
    if certificate is None:
        return {
            "status": NOT_CERTIFIED,
            "certificate_number": None,
            "exam_requirements_met_on": None,
            "issued_on": None,
            "revoked_on": None,
        }
    return {
        "status": REVOKED if certificate.is_revoked else CERTIFIED,
        "certificate_number": certificate.number,
        "exam_requirements_met_on": _iso(certificate.exam_requirements_met_on),
        "issued_on": _iso(certificate.issued_on),
        "revoked_on": _iso(certificate.revoked_on),
    }


def status_payloads(applicant_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The status snapshot of each applicant, in 9 queries whatever the count.

    Names are as on the diploma (R-ID-3); exams say passed or not and when,
    never a score.
    """
    ids = list(applicant_ids)
    facts = facts_for_applicants(ids)
    names = {
        row["pk"]: row
        for row in Applicant.objects.filter(pk__in=ids).values("pk", "usmle_id", "given_names", "last_name")
    }
    certificates = {c.applicant_id: c for c in Certificate.objects.filter(applicant_id__in=ids)}
    payloads: dict[int, dict[str, Any]] = {}
    for applicant_id, applicant_facts in facts.items():
        name = names[applicant_id]
        certification = _certification(certificates.get(applicant_id))
        if certification["exam_requirements_met_on"] is None:
            certification["exam_requirements_met_on"] = _iso(
                evaluate(applicant_facts).exam_requirements_met_on
            )
        school = applicant_facts.school
        graduation = applicant_facts.graduation_date
        payloads[applicant_id] = {
            "usmle_id": name["usmle_id"],
            "applicant": {"given_names": name["given_names"], "last_name": name["last_name"]},
            "certification": certification,
            "exams": [
                {
                    "exam": exam,
                    "passed": first_pass(applicant_facts, exam) is not None,
                    "passed_on": _iso(first_pass(applicant_facts, exam)),
                }
                for exam in Exam.values
            ],
            "medical_education": {
                "school": {"name": school.name, "country": school.country} if school else None,
                "graduation_year": graduation.year if graduation else None,
                "credential_status": _credential_status(applicant_facts),
            },
        }
    return payloads


def payload_hash(payload: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON: equal status, equal hash."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def program_reports(
    *, program: Organization, since: datetime.datetime | None = None
) -> QuerySet[StatusReport]:
    """A program's reports, newest first; ``since`` keeps those generated at or after it."""
    reports = (
        StatusReport.objects.filter(program=program).select_related("application", "program").order_by("-id")
    )
    if since is not None:
        reports = reports.filter(generated_at__gte=since)
    return reports


def program_report(*, program: Organization, public_id: str) -> StatusReport | None:
    """One report of this program, or None (another program's report is not found either)."""
    return (
        StatusReport.objects.filter(program=program, public_id=public_id)
        .select_related("application", "program")
        .first()
    )

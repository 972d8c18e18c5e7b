"""Reads for ERAS: the status snapshot a report carries, and a program's reports.

``status_payloads`` builds the snapshot for many applicants in a fixed number of
queries, so a refresh costs the same whether an applicant applied to 1 program
or 80, and the same per batch of applicants. Its sections have the shape and
words of the Certification Verification Service's report (api.md).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from applicants.models import Applicant
from certificates.models import Certificate
from certificates.rules import policy_in_force
from credentials.models import Document
from exams.models import Exam, ExamResult
from verification.models import Organization

from .models import StatusReport

NOT_SUBMITTED = "Not yet submitted"
CERTIFIED, NOT_CERTIFIED, REVOKED = "certified", "not_certified", "revoked"


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _certification(certificate: Certificate | None, passes: dict[str, datetime.date]) -> dict[str, Any]:
    if certificate is None:
        # Not certified: the exam date is still stated once every required Step is passed (R-EX-5).
        required = policy_in_force(timezone.localdate()).exams
        met_on = max(passes[e] for e in required) if all(e in passes for e in required) else None
        return {
            "status": NOT_CERTIFIED,
            "certificate_number": None,
            "exam_requirements_met_on": _iso(met_on),
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
    """The status snapshot of each applicant, in 3 queries whatever the count.

    Names are as on the diploma (R-ID-3); exams say passed or not and the
    earliest passing date, never a score; the credential status is that of the
    latest current diploma, in the words of the verification reports.
    """
    ids = list(applicant_ids)
    today = timezone.localdate()
    applicants = Applicant.objects.filter(pk__in=ids).select_related("school", "certificate")
    passes: dict[int, dict[str, datetime.date]] = defaultdict(dict)
    for applicant_id, exam, test_date in (
        ExamResult.objects.filter(applicant_id__in=ids, outcome=ExamResult.Outcome.PASS)
        .order_by("test_date")
        .values_list("applicant_id", "exam", "test_date")
    ):
        passes[applicant_id].setdefault(exam, test_date)
    diplomas: dict[int, str] = {}
    for applicant_id, status in (
        Document.objects.filter(applicant_id__in=ids, kind=Document.Kind.DIPLOMA)
        .exclude(status=Document.Status.REPLACED)
        .order_by("-created_at", "-id")
        .values_list("applicant_id", "status")
    ):
        # English and a plain str: the snapshot is what the program is told, whoever triggers it.
        diplomas.setdefault(applicant_id, Document.status_in_english(status))
    payloads: dict[int, dict[str, Any]] = {}
    for applicant in applicants:
        own = passes[applicant.pk]
        school = applicant.school
        graduation = applicant.graduation_date
        payloads[applicant.pk] = {
            "usmle_id": applicant.usmle_id,
            "applicant": {"given_names": applicant.given_names, "last_name": applicant.last_name},
            "certification": _certification(getattr(applicant, "certificate", None), own),
            "exams": [
                {"exam": exam, "passed": exam in own, "passed_on": _iso(own.get(exam))}
                for exam in Exam.values
            ],
            "medical_education": {
                "school": {"name": school.name, "country": school.country} if school else None,
                "graduation_year": graduation.year if graduation and graduation <= today else None,
                "credential_status": diplomas.get(applicant.pk, NOT_SUBMITTED),
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
    """One report of this program, or None: another program's report, or a malformed id."""
    try:
        key = uuid.UUID(public_id)
    except ValueError:
        return None
    return (
        StatusReport.objects.filter(program=program, public_id=key)
        .select_related("application", "program")
        .first()
    )

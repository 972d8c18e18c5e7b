"""Reads for verification: the report an organization is given, the public
authenticity check, and the list an applicant sees of who checked them."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from applicants.models import Applicant
from certificates.models import Certificate
from certificates.rules import policy_in_force
from credentials.models import Document
from ecfmg_portal.errors import NotFound
from exams.models import Exam

from .facts import CertificateFacts, VerificationFacts
from .models import Organization, VerificationReport

# What the report says about the diploma, in the words applicants and staff know.
# English in the report; marked so the verify page can read it in its language.
NOT_YET_SUBMITTED = gettext_noop("Not yet submitted")


def _certification_section(
    certificate: CertificateFacts | None, passes: dict[str, datetime.date]
) -> dict[str, Any]:
    if certificate is not None:
        return {
            "status": "revoked" if certificate.is_revoked else "certified",
            "certificate_number": certificate.number,
            "exam_requirements_met_on": certificate.exam_requirements_met_on.isoformat(),
            "issued_on": certificate.issued_on.isoformat(),
            "revoked_on": certificate.revoked_on.isoformat() if certificate.revoked_on else None,
        }
    # Not certified yet: the exam date is still stated once every required Step is passed (R-EX-5).
    required = policy_in_force(timezone.localdate()).exams
    met_on = max(passes[e] for e in required) if all(e in passes for e in required) else None
    return {
        "status": "not_certified",
        "certificate_number": None,
        "exam_requirements_met_on": met_on.isoformat() if met_on else None,
        "issued_on": None,
        "revoked_on": None,
    }


def verification_report_payload(
    *,
    facts: VerificationFacts,
    report_id: uuid.UUID,
    verification_code: str,
    generated_at: datetime.datetime,
) -> dict[str, Any]:
    """The report body of api.md, from the facts read just before (no query)."""
    passes = facts.passes
    graduation = facts.graduation_date
    graduated = graduation is not None and graduation <= timezone.localdate()
    diploma = facts.diploma_status
    return {
        "id": str(report_id),
        "verification_code": verification_code,
        "generated_at": generated_at.isoformat(),
        "usmle_id": facts.usmle_id,
        "applicant": {
            "given_names": facts.given_names,
            "last_name": facts.last_name,
            "date_of_birth": facts.date_of_birth.isoformat() if facts.date_of_birth else None,
        },
        "certification": _certification_section(facts.certificate, passes),
        # Every Step, passed or not; never a score (facts of the real CVS).
        "exams": [
            {
                "exam": exam,
                "passed": exam in passes,
                "passed_on": passes[exam].isoformat() if exam in passes else None,
            }
            for exam in Exam.values
        ],
        "medical_education": {
            "school": {"name": facts.school_name, "country": facts.school_country}
            if facts.school_name is not None
            else None,
            "graduation_year": graduation.year if graduated and graduation else None,
            "credential_status": Document.status_in_english(diploma) if diploma else NOT_YET_SUBMITTED,
        },
    }


def verification_report_json_for_organization(*, organization: Organization, report_id: str) -> str:
    """The stored report's JSON text if this organization asked for it; NotFound otherwise.

    The API's read of a report is its hottest read: one hand-written SELECT of the one
    column by primary key and organization, because compiling the ORM's query cost more
    (about 2.5 ms) than the database took to answer it. The text is the database's
    (PostgreSQL's jsonb orders keys its own way); the view renders it as before.
    """
    try:
        pk = uuid.UUID(report_id)
    except ValueError:
        raise NotFound() from None
    with connection.cursor() as cursor:
        cursor.execute(_report_json_sql(), [_REPORT_PK.get_db_prep_value(pk, connection), organization.pk])
        row = cursor.fetchone()
    if row is None:
        raise NotFound()
    return str(row[0])


_REPORT_PK = VerificationReport._meta.pk


def _report_json_sql() -> str:
    quote = connection.ops.quote_name
    meta = VerificationReport._meta
    payload, organization = str(meta.get_field("payload").column), str(meta.get_field("organization").column)
    # Identifiers from the model's metadata; values are parameters.
    return (
        f"SELECT {quote(payload)} FROM {quote(meta.db_table)} "  # noqa: S608
        f"WHERE {quote(str(_REPORT_PK.column))} = %s AND {quote(organization)} = %s"
    )


def verification_report_for_organization(*, organization: Organization, report_id: str) -> VerificationReport:
    """The report if this organization asked for it; NotFound otherwise, malformed ids included."""
    try:
        pk = uuid.UUID(report_id)
    except ValueError:
        raise NotFound() from None
    # No join and no ORDER BY (the primary key names one row): the organization is the
    # one the key came with, attached to the report as it is.
    report = next(iter(VerificationReport.objects.filter(pk=pk, organization_id=organization.pk)[:1]), None)
    if report is not None:
        report.organization = organization
    if report is None:
        raise NotFound()
    return report


def verification_requests_for_applicant(applicant: Applicant) -> QuerySet[VerificationReport]:
    """Which organizations checked this applicant's status, and when (newest first).

    Only answered requests name an applicant; attempts that matched nobody do not.
    """
    return (
        VerificationReport.objects.filter(applicant=applicant)
        .select_related("organization")
        .only("id", "generated_at", "organization__name", "organization__kind")
        .order_by("-generated_at")
    )


def report_exam_rows(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's exams with their names, for the page and the PDF."""
    labels = dict(Exam.choices)
    return [{**row, "label": labels.get(row["exam"], row["exam"])} for row in payload.get("exams", [])]


@dataclass(frozen=True)
class PublicCheck:
    """What the public page shows for a code: what the document stated when issued,
    and the certificate's state now."""

    kind: str  # "report" or "certificate"
    issued_at: datetime.datetime | datetime.date
    stated: dict[str, Any]
    organization_name: str | None
    certificate: Certificate | None

    @property
    def revoked_since(self) -> bool:
        """The certificate was revoked after the document said it was valid."""
        if self.certificate is None or not self.certificate.is_revoked:
            return False
        return self.stated.get("certification", {}).get("status") != "revoked"

    @property
    def exams(self) -> list[dict[str, Any]]:
        return report_exam_rows(self.stated)


def public_check_by_code(*, code: str) -> PublicCheck:
    """A report or a certificate by its verification code; NotFound for anything else.
    One query for a report code, two for a certificate code."""
    if not code or len(code) > 64:
        raise NotFound()
    report = (
        VerificationReport.objects.select_related("organization", "applicant__certificate")
        .filter(verification_code=code)
        .first()
    )
    if report is not None:
        return PublicCheck(
            kind="report",
            issued_at=report.generated_at,
            stated=report.payload,
            organization_name=report.organization.name,
            certificate=getattr(report.applicant, "certificate", None),
        )
    certificate = Certificate.objects.select_related("applicant").filter(verification_code=code).first()
    if certificate is None:
        raise NotFound()
    applicant = certificate.applicant
    stated = {
        "usmle_id": applicant.usmle_id,
        "applicant": {"given_names": applicant.given_names, "last_name": applicant.last_name},
        "certification": {
            "status": "certified",
            "certificate_number": certificate.number,
            "exam_requirements_met_on": certificate.exam_requirements_met_on.isoformat(),
            "issued_on": certificate.issued_on.isoformat(),
            "revoked_on": None,
        },
    }
    return PublicCheck(
        kind="certificate",
        issued_at=certificate.issued_on,
        stated=stated,
        organization_name=None,
        certificate=certificate,
    )

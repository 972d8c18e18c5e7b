"""The applicant's whole file for staff: everything about one applicant on one page.

A fixed number of queries whatever the file holds (each list is bounded and read
in one query; the audit trail of the applicant and of the rows about them in one
more). The checklist is the applicant's journey (``applicant_journey``, the one the
dashboard renders) worded for staff: who has the next move and since when.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone

from applicants.models import Applicant, IdentityChangeRequest, LedgerEntry, StaffNote
from applicants.notifications.models import ApplicantNotification
from applicants.selectors import Journey, StaffView, applicant_journey, journey_applicants, staff_view
from certificates.models import Certificate
from credentials.models import Document, DocumentEvent, SchoolVerificationRequest
from ecfmg_portal.audit.models import AuditEntry
from exams.models import ExamApplication, ExamResult
from verification.eras.models import StatusReport
from verification.models import VerificationRequest

SHOWN = 50  # rows per list; the full lists are one click away


@dataclass(frozen=True)
class StaffFile:
    applicant: Applicant
    journey: Journey
    staff_view: StaffView
    documents: list[Document]
    applications: list[ExamApplication]
    results: list[ExamResult]
    ledger: list[LedgerEntry]
    balance: Decimal
    certificate: Certificate | None
    school_verifications: list[SchoolVerificationRequest]
    verification_requests: list[VerificationRequest]
    eras_reports: list[StatusReport]
    emails: list[ApplicantNotification]
    change_requests: list[IdentityChangeRequest]
    notes: list[StaffNote]
    audit: list[AuditEntry]


def applicant_file(*, applicant_id: int) -> StaffFile:
    # Loaded as the journey loads it, so the journey does not read the applicant again.
    applicant = journey_applicants().get(pk=applicant_id)
    journey = applicant_journey(applicant)
    documents = list(
        Document.objects.filter(applicant=applicant)
        .select_related("reviewed_by")
        .prefetch_related(
            Prefetch("events", DocumentEvent.objects.select_related("actor").order_by("at", "pk"))
        )
        .order_by("-created_at")[:SHOWN]
    )
    ledger = list(LedgerEntry.objects.filter(applicant=applicant).order_by("created_at", "pk"))
    certificate = Certificate.objects.filter(applicant=applicant).select_related("revoked_by").first()
    verifications = list(
        SchoolVerificationRequest.objects.filter(applicant=applicant)
        .select_related("school")
        .order_by("-created_at")[:SHOWN]
    )
    change_requests = list(
        IdentityChangeRequest.objects.filter(applicant=applicant).order_by("-created_at")[:SHOWN]
    )
    notes = list(StaffNote.objects.filter(applicant=applicant).select_related("author")[:SHOWN])
    about = Q(object_type="applicants.applicant", object_id=str(applicant.pk))
    for label, rows in (
        ("credentials.document", documents),
        ("credentials.schoolverificationrequest", verifications),
        ("applicants.identitychangerequest", change_requests),
        ("applicants.staffnote", notes),
        ("certificates.certificate", [certificate] if certificate else []),
    ):
        if rows:
            about |= Q(object_type=label, object_id__in=[str(row.pk) for row in rows])
    return StaffFile(
        applicant=applicant,
        journey=journey,
        staff_view=staff_view(journey, opened_on=timezone.localdate(applicant.created_at)),
        documents=documents,
        applications=list(ExamApplication.objects.filter(applicant=applicant).order_by("created_at")[:SHOWN]),
        results=list(ExamResult.objects.filter(applicant=applicant).order_by("test_date")[:SHOWN]),
        ledger=ledger,
        balance=sum((entry.amount for entry in ledger), Decimal("0.00")),
        certificate=certificate,
        school_verifications=verifications,
        verification_requests=list(
            VerificationRequest.objects.filter(applicant=applicant)
            .select_related("organization")
            .order_by("-requested_at")[:SHOWN]
        ),
        eras_reports=list(
            StatusReport.objects.filter(application__applicant=applicant)
            .select_related("program")
            .order_by("-generated_at")[:SHOWN]
        ),
        emails=list(
            ApplicantNotification.objects.filter(applicant=applicant).order_by("-created_at")[:SHOWN]
        ),
        change_requests=change_requests,
        notes=notes,
        audit=list(AuditEntry.objects.filter(about).order_by("-sequence")[:100]),
    )

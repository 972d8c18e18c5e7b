"""Reads for the applicant portal that span several apps."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from applicants.models import Applicant, LedgerEntry
from certificates.models import Certificate
from credentials.models import DocumentEvent
from exams.models import ExamApplication, ExamResult

TIMELINE_LIMIT = 25

_DOCUMENT_WORDS = {
    "received": "received",
    "sent_for_verification": "sent to your medical school for verification",
    "verified": "verified",
    "unable_to_verify": "could not be verified by your medical school",
    "rejected": "rejected",
    "replaced": "replaced by a newer upload",
}


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime.datetime
    text: str


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def applicant_timeline(
    *,
    applicant: Applicant,
    applications: list[ExamApplication],
    certificate: Certificate | None,
    limit: int = TIMELINE_LIMIT,
) -> list[TimelineEvent]:
    """Everything that happened to the file, newest first, in three queries whatever
    its length: document history, exam results, payments and refunds. Applications
    and the certificate are passed in because the dashboard already loaded them."""
    events: list[TimelineEvent] = []
    if applicant.usmle_id and applicant.usmle_id_issued_at:
        events.append(
            TimelineEvent(applicant.usmle_id_issued_at, f"USMLE/ECFMG ID {applicant.usmle_id} issued.")
        )
    for application in applications:
        events.append(
            TimelineEvent(
                application.created_at,
                f"Applied for {application.get_exam_display()}; eligibility period "
                f"{application.eligibility_start:%d %b %Y} to {application.eligibility_end:%d %b %Y}.",
            )
        )
    history = (
        DocumentEvent.objects.filter(document__applicant=applicant)
        .select_related("document")
        .order_by("-at", "-id")[:limit]
    )
    for event in history:
        words = _DOCUMENT_WORDS.get(event.to_status, event.to_status)
        text = f"{event.document.get_kind_display()} {words}."
        if event.to_status in ("rejected", "unable_to_verify") and event.note:
            text = f"{text[:-1]}: {event.note}"
        events.append(TimelineEvent(event.at, text))
    for result in ExamResult.objects.filter(applicant=applicant).order_by("-test_date")[:limit]:
        events.append(
            TimelineEvent(
                _start_of(result.test_date),
                f"{result.get_exam_display()} result recorded: {result.get_outcome_display().lower()}.",
            )
        )
    money = LedgerEntry.objects.filter(
        applicant=applicant, kind__in=[LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.REFUND]
    ).order_by("-created_at")[:limit]
    for entry in money:
        verb = "Payment received" if entry.kind == LedgerEntry.Kind.PAYMENT else "Refund"
        events.append(TimelineEvent(entry.created_at, f"{verb}: ${abs(entry.amount):,.2f}."))
    if certificate is not None:
        events.append(
            TimelineEvent(_start_of(certificate.issued_on), f"Certificate {certificate.number} issued.")
        )
        if certificate.revoked_on:
            events.append(TimelineEvent(_start_of(certificate.revoked_on), "Certificate revoked."))
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]

"""What happened to the applicant's file, newest first, from rows the journey loaded."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import Applicant, LedgerEntry
from certificates.models import Certificate
from credentials.models import DocumentEvent
from ecfmg_portal.formatting import format_day, format_money
from exams.models import ExamApplication, ExamResult

from .types import TimelineEvent

TIMELINE_LIMIT = 25

_DOCUMENT_WORDS = {
    "received": "received",
    "sent_for_verification": "sent to your medical school for verification",
    "verified": "verified",
    "unable_to_verify": "could not be verified by your medical school",
    "rejected": "rejected",
    "replaced": "replaced by a newer upload",
}


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def applicant_timeline(
    *,
    applicant: Applicant,
    applications: Iterable[ExamApplication],
    certificate: Certificate | None,
    document_events: Iterable[DocumentEvent],
    results: Iterable[ExamResult],
    ledger_entries: Iterable[LedgerEntry],
    limit: int = TIMELINE_LIMIT,
) -> tuple[TimelineEvent, ...]:
    """Everything that happened to the file, newest first. No queries: the journey
    passes the rows it loaded (document events come with their document)."""
    events: list[TimelineEvent] = []
    if applicant.usmle_id and applicant.usmle_id_issued_at:
        events.append(
            TimelineEvent(
                applicant.usmle_id_issued_at, _("USMLE/ECFMG ID %(id)s issued.") % {"id": applicant.usmle_id}
            )
        )
    for application in applications:
        events.append(
            TimelineEvent(
                application.created_at,
                _("Applied for %(exam)s; eligibility period %(start)s to %(end)s.")
                % {
                    "exam": application.get_exam_display(),
                    "start": format_day(application.eligibility_start),
                    "end": format_day(application.eligibility_end),
                },
            )
        )
    for event in document_events:
        words = _DOCUMENT_WORDS.get(event.to_status, event.to_status)
        text = f"{event.document.get_kind_display()} {words}."
        if event.to_status in ("rejected", "unable_to_verify") and event.note:
            text = f"{text[:-1]}: {event.note}"
        events.append(TimelineEvent(event.at, text))
    for result in results:
        events.append(
            TimelineEvent(
                _start_of(result.test_date),
                f"{result.get_exam_display()} result recorded: {result.get_outcome_display().lower()}.",
            )
        )
    for entry in ledger_entries:
        if entry.kind == LedgerEntry.Kind.PAYMENT:
            events.append(
                TimelineEvent(
                    entry.created_at,
                    _("Payment received: %(amount)s.") % {"amount": format_money(abs(entry.amount))},
                )
            )
        elif entry.kind == LedgerEntry.Kind.REFUND:
            events.append(
                TimelineEvent(
                    entry.created_at, _("Refund: %(amount)s.") % {"amount": format_money(abs(entry.amount))}
                )
            )
    if certificate is not None:
        events.append(
            TimelineEvent(
                _start_of(certificate.issued_on),
                _("Certificate %(number)s issued.") % {"number": certificate.number},
            )
        )
        if certificate.revoked_on:
            events.append(TimelineEvent(_start_of(certificate.revoked_on), _("Certificate revoked.")))
    events.sort(key=lambda e: e.at, reverse=True)
    return tuple(events[:limit])

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


def _document_sentence(event: DocumentEvent) -> str:
    """ "Diploma verified.": one whole sentence per state, so each language can word
    it its own way; the reviewer's note follows a rejection or a failed verification."""
    document = event.document.get_kind_display()
    note = event.note if event.to_status in ("rejected", "unable_to_verify") else ""
    if note:
        with_note = {
            "rejected": _("%(document)s rejected: %(note)s"),
            "unable_to_verify": _("%(document)s could not be verified by your medical school: %(note)s"),
        }
        return with_note[event.to_status] % {"document": document, "note": note}
    sentences = {
        "received": _("%(document)s received."),
        "sent_for_verification": _("%(document)s sent to your medical school for verification."),
        "verified": _("%(document)s verified."),
        "unable_to_verify": _("%(document)s could not be verified by your medical school."),
        "rejected": _("%(document)s rejected."),
        "replaced": _("%(document)s replaced by a newer upload."),
    }
    sentence = sentences.get(event.to_status)
    return sentence % {"document": document} if sentence else f"{document} {event.to_status}."


def _result_sentence(result: ExamResult) -> str:
    if result.outcome == ExamResult.Outcome.PASS:
        return _("%(exam)s result recorded: pass.") % {"exam": result.get_exam_display()}
    return _("%(exam)s result recorded: fail.") % {"exam": result.get_exam_display()}


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
        events.append(TimelineEvent(event.at, _document_sentence(event)))
    for result in results:
        events.append(TimelineEvent(_start_of(result.test_date), _result_sentence(result)))
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

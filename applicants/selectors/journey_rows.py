"""The rows the applicant's journey is derived from, in a fixed number of queries.

Six queries whatever the size of the file (documents, document history, exam
results, exam applications, ledger entries, the latest school verification), plus
one to load the applicant when the caller has not loaded it with
``journey_applicants()``. The applicant pages load it that way, so the dashboard
stays within its budget of ten queries (session and user included).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import ExtractYear

from applicants.models import Applicant, LedgerEntry
from credentials.models import Document, DocumentEvent, EligibilityRange
from credentials.models_verification import SchoolVerificationRequest, VerificationEmail
from exams.models import ExamApplication, ExamResult

# How much history the dashboard's timeline shows.
HISTORY_LIMIT = 25
_RELATIONS = ("user", "school", "transfer_school", "certificate")


def journey_applicants() -> QuerySet[Applicant]:
    """Applicants with everything the journey reads from their own row, in one query:
    the user, both schools, the certificate, and whether IMED lists the degree school
    for the graduation year and lists the transfer school at all (R-ED-1, R-ED-2)."""
    graduation_year = ExtractYear(OuterRef("graduation_date"))
    listed_for_year = EligibilityRange.objects.filter(
        school_id=OuterRef("school_id"), start_year__lte=graduation_year
    ).filter(Q(end_year__isnull=True) | Q(end_year__gte=graduation_year))
    return Applicant.objects.select_related(*_RELATIONS).annotate(
        school_listed_for_graduation=Exists(listed_for_year),
        transfer_school_listed=Exists(
            EligibilityRange.objects.filter(school_id=OuterRef("transfer_school_id"))
        ),
    )


def loaded_for_journey(applicant: Applicant) -> Applicant:
    """The applicant as ``journey_applicants()`` loads it: reused when it already is."""
    cached = applicant._state.fields_cache
    if hasattr(applicant, "school_listed_for_graduation") and all(name in cached for name in _RELATIONS):
        return applicant
    return journey_applicants().get(pk=applicant.pk)


@dataclass(frozen=True)
class JourneyRows:
    documents: tuple[Document, ...]  # current ones (not replaced), newest first
    history: tuple[DocumentEvent, ...]  # newest first, each with its document
    results: tuple[ExamResult, ...]  # by test date
    applications: tuple[ExamApplication, ...]  # oldest first
    ledger: tuple[LedgerEntry, ...]
    school_request: Any  # SchoolVerificationRequest annotated with reminders, or None


def journey_rows(applicant: Applicant) -> JourneyRows:
    reminders = VerificationEmail.objects.filter(
        request=OuterRef("pk"),
        kind=VerificationEmail.Kind.SCHOOL_REMINDER,
        status=VerificationEmail.Status.SENT,
    ).values("request")
    school_request = (
        SchoolVerificationRequest.objects.filter(applicant=applicant)
        .select_related("school")
        .annotate(
            reminder_count=Subquery(reminders.annotate(n=Count("pk")).values("n")[:1]),
            last_reminder_at=Subquery(reminders.annotate(last=Max("sent_at")).values("last")[:1]),
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    return JourneyRows(
        documents=tuple(
            Document.objects.filter(applicant=applicant)
            .exclude(status=Document.Status.REPLACED)
            .order_by("-created_at", "-pk")
        ),
        history=tuple(
            DocumentEvent.objects.filter(document__applicant=applicant)
            .select_related("document")
            .order_by("-at", "-id")[:HISTORY_LIMIT]
        ),
        results=tuple(ExamResult.objects.filter(applicant=applicant).order_by("test_date", "pk")),
        applications=tuple(ExamApplication.objects.filter(applicant=applicant).order_by("created_at", "pk")),
        ledger=tuple(LedgerEntry.objects.filter(applicant=applicant).order_by("created_at", "pk")),
        school_request=school_request,
    )

"""The rows the applicant's journey is derived from, in a fixed number of queries.

Six queries whatever the size of the file (documents, document history, exam
results, exam applications, ledger entries, the latest school verification), plus
one to load the applicant when the caller has not loaded it with
``journey_applicants()``. The applicant pages load it that way
(``journey_applicant_of_user``), so the dashboard stays within its budget of ten
queries (session and user included).

The dashboard runs these on every request, and for one applicant's few rows most
of their cost is Python, not the rows: Django building and compiling correlated
subqueries. So the applicant's queryset is built once per
process and cloned, the signed-in user is not joined again, and the school's
reminders are two scalar subqueries written out (docs/benchmarks.md, "Pages and
the staff workbench").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db.models import DateTimeField, Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear

from applicants.models import Applicant, LedgerEntry
from credentials.models import Document, DocumentEvent, EligibilityRange
from credentials.models_verification import SchoolVerificationRequest, VerificationEmail
from exams.models import ExamApplication, ExamResult

if TYPE_CHECKING:
    from applicants.models import User

# How much history the dashboard's timeline shows.
HISTORY_LIMIT = 25
_RELATIONS = ("user", "school", "transfer_school", "certificate")


@cache
def _journey_applicants(*, with_user: bool) -> QuerySet[Applicant]:
    """Built once per process: resolving the two ``EXISTS`` and their ``OuterRef``s
    cost 1.6 ms a request. Callers get clones (``.all()``, ``.filter()``); this one
    is never evaluated, so it holds no rows."""
    graduation_year = ExtractYear(OuterRef("graduation_date"))
    listed_for_year = EligibilityRange.objects.filter(
        school_id=OuterRef("school_id"), start_year__lte=graduation_year
    ).filter(Q(end_year__isnull=True) | Q(end_year__gte=graduation_year))
    relations = _RELATIONS if with_user else tuple(name for name in _RELATIONS if name != "user")
    return Applicant.objects.select_related(*relations).annotate(
        school_listed_for_graduation=Exists(listed_for_year),
        transfer_school_listed=Exists(
            EligibilityRange.objects.filter(school_id=OuterRef("transfer_school_id"))
        ),
    )


def journey_applicants() -> QuerySet[Applicant]:
    """Applicants with everything the journey reads from their own row, in one query:
    the user, both schools, the certificate, and whether IMED lists the degree school
    for the graduation year and lists the transfer school at all (R-ED-1, R-ED-2)."""
    return _journey_applicants(with_user=True).all()


def journey_applicant_of_user(user: User) -> Applicant | None:
    """The signed-in user's applicant as ``journey_applicants()`` loads it, without
    loading the user a second time: the one the request already holds is attached."""
    applicant = _journey_applicants(with_user=False).filter(user_id=user.pk).first()
    if applicant is not None:
        applicant.user = user
    return applicant


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
    school_request: Any  # SchoolVerificationRequest annotated with _reminders_sent(), or None


def _reminders_sent() -> dict[str, RawSQL]:
    """How many reminders were sent to the school for the request, and when the last
    one was. As Django writes them (two ``Subquery``s, each a ``GROUP BY … LIMIT 1``)
    they cost 3 ms to build and compile, for one row. Written out, they name the
    request's table, so they annotate only a queryset of requests that is not itself
    a subquery. Same answers as ``Count``/``Max`` over the request's e-mails
    (applicants/tests/test_journey_rows_readings.py)."""
    emails = VerificationEmail._meta.db_table
    requests = SchoolVerificationRequest._meta.db_table
    sent_reminders = (
        f'FROM "{emails}" e WHERE e.request_id = "{requests}".id AND e.kind = %s AND e.status = %s'
    )
    params = (str(VerificationEmail.Kind.SCHOOL_REMINDER), str(VerificationEmail.Status.SENT))
    # S611: the text holds only the models' own table names; the values are parameters.
    return {
        "reminder_count": RawSQL(  # noqa: S611
            f"SELECT COUNT(*) {sent_reminders}", params, output_field=IntegerField()
        ),
        "last_reminder_at": RawSQL(  # noqa: S611
            f"SELECT MAX(e.sent_at) {sent_reminders}", params, output_field=DateTimeField()
        ),
    }


def journey_rows(applicant: Applicant) -> JourneyRows:
    school_request = (
        SchoolVerificationRequest.objects.filter(applicant=applicant)
        .select_related("school")
        .annotate(**_reminders_sent())
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

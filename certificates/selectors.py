"""Loading the rules engine's facts: a fixed number of queries per applicant,
and a fixed number per batch for sweeps."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import Min, Sum
from django.utils import timezone

from applicants.models import Applicant, LedgerEntry
from credentials.models import Document, EligibilityRange
from exams.models import ExamApplication, ExamResult

from .models import Certificate
from .rules import ApplicantFacts, Assessment, DocumentFact, ExamFact, SchoolFact, evaluate


def _years_of_credit(value: Decimal | int) -> Decimal | int:
    """Years to the half year as the rules print them: 4 (not 4.0), or 4.5."""
    years = Decimal(value)
    return int(years) if years == years.to_integral_value() else years


def document_fact(document: Document) -> DocumentFact:
    return DocumentFact(
        kind=document.kind,
        status=document.status,
        language=document.language,
        source=document.source,
        received_on=timezone.localdate(document.created_at),
        decided_on=timezone.localdate(document.reviewed_at) if document.reviewed_at else None,
        reason=document.status_reason,
    )


# What the rules read of an applicant: the batch loader reads these columns as rows
# (model instances cost more than the rules themselves at 100k applicants, issue 14).
_APPLICANT_COLUMNS = (
    "pk",
    "usmle_id",
    "usmle_id_issued_at",
    "school_id",
    "graduation_date",
    "academic_years",
    "transfer_school_id",
    "transfer_years",
    "transfer_credit_first_year",
    "transfer_credit_last_year",
)


@dataclass(frozen=True)
class _ApplicantRow:
    """The columns above, with the attribute names ``facts_from_rows`` reads."""

    pk: int
    usmle_id: str | None
    usmle_id_issued_at: datetime.datetime | None
    school_id: int | None
    graduation_date: datetime.date | None
    academic_years: Decimal
    transfer_school_id: int | None
    transfer_years: Decimal
    transfer_credit_first_year: int | None
    transfer_credit_last_year: int | None


_SCHOOL_COLUMNS = ("imed_id", "name", "country")


def _eligibility_ranges(school_ids: set[int]) -> dict[int, tuple[tuple[int, int | None], ...]]:
    ranges: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    for school_id, start, end in (
        EligibilityRange.objects.filter(school_id__in=school_ids)
        .order_by("start_year", "pk")
        .values_list("school_id", "start_year", "end_year")
    ):
        ranges[school_id].append((start, end))
    return {pk: tuple(years) for pk, years in ranges.items()}


def facts_for_applicants(
    applicant_ids: Iterable[int], *, today: datetime.date | None = None
) -> dict[int, ApplicantFacts]:
    """Facts for many applicants in a fixed number of queries (6), whatever their count.

    Rows, not model instances, and each school's facts built once per batch: the sweep
    assesses every applicant (tests/perf/test_sweep_facts.py holds these facts to the
    ones a plain ORM reading gives).
    """
    ids = list(applicant_ids)
    today = today or timezone.localdate()
    zone = timezone.get_current_timezone()
    # The applicants with both schools joined (one query), then the schools' ranges (one).
    width = len(_APPLICANT_COLUMNS)
    rows = list(
        Applicant.objects.filter(pk__in=ids).values_list(
            *_APPLICANT_COLUMNS,
            *(f"school__{c}" for c in _SCHOOL_COLUMNS),
            *(f"transfer_school__{c}" for c in _SCHOOL_COLUMNS),
        )
    )
    applicants = [_ApplicantRow(*row[:width]) for row in rows]
    school_columns: dict[int, tuple[str, str, str]] = {}
    for applicant, row in zip(applicants, rows, strict=True):
        if applicant.school_id:
            school_columns[applicant.school_id] = row[width : width + 3]
        if applicant.transfer_school_id:
            school_columns[applicant.transfer_school_id] = row[width + 3 : width + 6]
    ranges = _eligibility_ranges(set(school_columns))
    schools = {
        pk: SchoolFact(imed_id=imed_id, name=name, country=country, eligible_years=ranges.get(pk, ()))
        for pk, (imed_id, name, country) in school_columns.items()
    }
    results: dict[int, list[ExamFact]] = defaultdict(list)
    for row in ExamResult.objects.filter(applicant_id__in=ids).values_list(
        "applicant_id", "exam", "test_date", "outcome"
    ):
        results[row[0]].append(
            ExamFact(exam=row[1], test_date=row[2], passed=row[3] == ExamResult.Outcome.PASS)
        )
    documents: dict[int, list[DocumentFact]] = defaultdict(list)
    for applicant_id, kind, status, language, source, created_at, reviewed_at, reason in (
        Document.objects.filter(applicant_id__in=ids)
        .exclude(status=Document.Status.REPLACED)
        .values_list(
            "applicant_id",
            "kind",
            "status",
            "language",
            "source",
            "created_at",
            "reviewed_at",
            "status_reason",
        )
    ):
        documents[applicant_id].append(
            DocumentFact(
                kind=kind,
                status=status,
                language=language,
                source=source,
                received_on=created_at.astimezone(zone).date(),
                decided_on=reviewed_at.astimezone(zone).date() if reviewed_at else None,
                reason=reason,
            )
        )
    balances = dict(
        LedgerEntry.objects.filter(applicant_id__in=ids)
        .values("applicant_id")
        .annotate(total=Sum("amount"))
        .values_list("applicant_id", "total")
    )
    first_applications = dict(
        ExamApplication.objects.filter(applicant_id__in=ids)
        .values("applicant_id")
        .annotate(first=Min("created_at"))
        .values_list("applicant_id", "first")
    )
    facts: dict[int, ApplicantFacts] = {}
    for applicant in applicants:
        facts[applicant.pk] = facts_from_rows(
            applicant=applicant,
            today=today,
            school=schools.get(applicant.school_id) if applicant.school_id else None,
            transfer_school=schools.get(applicant.transfer_school_id)
            if applicant.transfer_school_id
            else None,
            first_application_at=first_applications.get(applicant.pk),
            exam_results=results[applicant.pk],
            documents=documents[applicant.pk],
            balance=balances.get(applicant.pk) or Decimal("0"),
        )
    return facts


class ApplicantColumns(Protocol):
    """What ``facts_from_rows`` reads of an applicant: an ``Applicant`` or a row of it."""

    @property
    def usmle_id(self) -> str | None: ...
    @property
    def usmle_id_issued_at(self) -> datetime.datetime | None: ...
    @property
    def graduation_date(self) -> datetime.date | None: ...
    @property
    def academic_years(self) -> Decimal: ...
    @property
    def transfer_years(self) -> Decimal: ...
    @property
    def transfer_credit_first_year(self) -> int | None: ...
    @property
    def transfer_credit_last_year(self) -> int | None: ...


def facts_from_rows(
    *,
    applicant: ApplicantColumns,
    today: datetime.date,
    school: SchoolFact | None,
    transfer_school: SchoolFact | None,
    first_application_at: datetime.datetime | None,
    exam_results: Iterable[ExamFact],
    documents: Iterable[DocumentFact],
    balance: Decimal,
) -> ApplicantFacts:
    """The one way rows become the rules' facts: the batch loader above and the
    applicant's journey (applicants/selectors) both call it."""
    return ApplicantFacts(
        today=today,
        usmle_id=applicant.usmle_id,
        usmle_id_issued_on=timezone.localdate(applicant.usmle_id_issued_at)
        if applicant.usmle_id_issued_at
        else None,
        school=school,
        graduation_date=applicant.graduation_date,
        academic_years=_years_of_credit(applicant.academic_years),
        transfer_school=transfer_school,
        transfer_years=_years_of_credit(applicant.transfer_years),
        transfer_earned_years=(applicant.transfer_credit_first_year, applicant.transfer_credit_last_year)
        if applicant.transfer_credit_first_year and applicant.transfer_credit_last_year
        else None,
        first_exam_application_on=timezone.localdate(first_application_at) if first_application_at else None,
        exam_results=tuple(sorted(exam_results, key=lambda r: r.test_date)),
        documents=tuple(documents),
        balance=balance.quantize(Decimal("0.01")),
    )


def applicant_facts(*, applicant: Applicant, today: datetime.date | None = None) -> ApplicantFacts:
    return facts_for_applicants([applicant.pk], today=today)[applicant.pk]


def applicant_assessment(*, applicant: Applicant, today: datetime.date | None = None) -> Assessment:
    """The checklist for one applicant, as the dashboard and the admin show it."""
    return evaluate(applicant_facts(applicant=applicant, today=today))


def assessments_in_batches(
    applicant_ids: Iterable[int], *, batch_size: int = 1000, today: datetime.date | None = None
) -> Iterator[tuple[int, Assessment]]:
    """Assess many applicants, ``batch_size`` at a time: queries grow with batches, not rows."""
    ids = list(applicant_ids)
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        for applicant_id, facts in facts_for_applicants(chunk, today=today).items():
            yield applicant_id, evaluate(facts)


def applicants_without_certificate_ids() -> list[int]:
    """Applicants the sweep should re-assess: an ID issued, no certificate yet."""
    return list(
        Applicant.objects.filter(certificate__isnull=True, usmle_id__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def certificate_for_user(user: Any) -> Certificate | None:
    """The signed-in applicant's own certificate (one query), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Certificate.objects.select_related("applicant").filter(applicant__user_id=user.pk).first()

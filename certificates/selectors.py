"""Loading the rules engine's facts: a fixed number of queries per applicant,
and a fixed number per batch for sweeps."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Min, Prefetch, QuerySet, Sum
from django.utils import timezone

from applicants.models import Applicant, LedgerEntry
from credentials.models import Document, EligibilityRange, School
from exams.models import ExamApplication, ExamResult

from .models import Certificate
from .rules import ApplicantFacts, Assessment, DocumentFact, ExamFact, SchoolFact, evaluate


def _years_of_credit(value: Decimal | int) -> Decimal | int:
    """Years to the half year as the rules print them: 4 (not 4.0), or 4.5."""
    years = Decimal(value)
    return int(years) if years == years.to_integral_value() else years


def school_fact(school: School | None) -> SchoolFact | None:
    if school is None:
        return None
    return SchoolFact(
        imed_id=school.imed_id,
        name=school.name,
        country=school.country,
        eligible_years=tuple((r.start_year, r.end_year) for r in school.eligibility_ranges.all()),
    )


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


def _applicants_with_schools() -> QuerySet[Applicant]:
    ranges = Prefetch("eligibility_ranges", queryset=EligibilityRange.objects.order_by("start_year"))
    return Applicant.objects.select_related("school", "transfer_school").prefetch_related(
        Prefetch("school__eligibility_ranges", queryset=ranges.queryset),
        Prefetch("transfer_school__eligibility_ranges", queryset=ranges.queryset),
    )


def facts_for_applicants(
    applicant_ids: Iterable[int], *, today: datetime.date | None = None
) -> dict[int, ApplicantFacts]:
    """Facts for many applicants in a fixed number of queries (7), whatever their count."""
    ids = list(applicant_ids)
    today = today or timezone.localdate()
    applicants = list(_applicants_with_schools().filter(pk__in=ids))
    results: dict[int, list[ExamFact]] = defaultdict(list)
    for row in ExamResult.objects.filter(applicant_id__in=ids).values_list(
        "applicant_id", "exam", "test_date", "outcome"
    ):
        results[row[0]].append(
            ExamFact(exam=row[1], test_date=row[2], passed=row[3] == ExamResult.Outcome.PASS)
        )
    documents: dict[int, list[DocumentFact]] = defaultdict(list)
    for document in Document.objects.filter(applicant_id__in=ids).exclude(status=Document.Status.REPLACED):
        documents[document.applicant_id].append(document_fact(document))
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
            school=school_fact(applicant.school),
            transfer_school=school_fact(applicant.transfer_school),
            first_application_at=first_applications.get(applicant.pk),
            exam_results=results[applicant.pk],
            documents=documents[applicant.pk],
            balance=balances.get(applicant.pk) or Decimal("0"),
        )
    return facts


def facts_from_rows(
    *,
    applicant: Applicant,
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

"""The sweep's batch loader (certificates.selectors.facts_for_applicants) reads rows, not
model instances, so that 100k applicants are assessed in seconds (issue 14). Its facts
must be exactly what the plain ORM reading gives: the reference below is the loader as
it was written before, through model instances and prefetches."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db.models import Min, Prefetch, Sum
from django.utils import timezone

from applicants.loadgen.generate import generate_load_data
from applicants.models import Applicant, LedgerEntry
from certificates.rules import DocumentFact, ExamFact, SchoolFact
from certificates.selectors import _years_of_credit, facts_for_applicants
from credentials.models import Document, EligibilityRange
from exams.models import ExamApplication, ExamResult

pytestmark = pytest.mark.django_db


def _school(school):
    if school is None:
        return None
    return SchoolFact(
        imed_id=school.imed_id,
        name=school.name,
        country=school.country,
        eligible_years=tuple((r.start_year, r.end_year) for r in school.eligibility_ranges.all()),
    )


def _through_the_orm(ids, today):
    ranges = EligibilityRange.objects.order_by("start_year")
    applicants = Applicant.objects.select_related("school", "transfer_school").prefetch_related(
        Prefetch("school__eligibility_ranges", queryset=ranges),
        Prefetch("transfer_school__eligibility_ranges", queryset=ranges),
    )
    results = defaultdict(list)
    for r in ExamResult.objects.filter(applicant_id__in=ids):
        results[r.applicant_id].append(
            ExamFact(exam=r.exam, test_date=r.test_date, passed=r.outcome == ExamResult.Outcome.PASS)
        )
    documents = defaultdict(list)
    for d in Document.objects.filter(applicant_id__in=ids).exclude(status=Document.Status.REPLACED):
        documents[d.applicant_id].append(
            DocumentFact(
                kind=d.kind,
                status=d.status,
                language=d.language,
                source=d.source,
                received_on=timezone.localdate(d.created_at),
                decided_on=timezone.localdate(d.reviewed_at) if d.reviewed_at else None,
                reason=d.status_reason,
            )
        )
    balances = dict(
        LedgerEntry.objects.filter(applicant_id__in=ids)
        .values("applicant_id")
        .annotate(total=Sum("amount"))
        .values_list("applicant_id", "total")
    )
    first = dict(
        ExamApplication.objects.filter(applicant_id__in=ids)
        .values("applicant_id")
        .annotate(first=Min("created_at"))
        .values_list("applicant_id", "first")
    )
    answers = {}
    for a in applicants.filter(pk__in=ids):
        answers[a.pk] = {
            "usmle_id": a.usmle_id,
            "usmle_id_issued_on": timezone.localdate(a.usmle_id_issued_at) if a.usmle_id_issued_at else None,
            "school": _school(a.school),
            "graduation_date": a.graduation_date,
            "academic_years": _years_of_credit(a.academic_years),
            "transfer_school": _school(a.transfer_school),
            "transfer_years": _years_of_credit(a.transfer_years),
            "transfer_earned_years": (a.transfer_credit_first_year, a.transfer_credit_last_year)
            if a.transfer_credit_first_year and a.transfer_credit_last_year
            else None,
            "first_exam_application_on": timezone.localdate(first[a.pk]) if a.pk in first else None,
            "exam_results": tuple(sorted(results[a.pk], key=lambda r: r.test_date)),
            "documents": documents[a.pk],
            "balance": (balances.get(a.pk) or Decimal("0")).quantize(Decimal("0.01")),
        }
    return answers


def test_the_batch_loader_gives_the_orm_facts_for_every_generated_applicant():
    generate_load_data(applicants=300, seed=21, schools=40, programs=5, authorities=2, batch_size=300)
    ids = list(Applicant.objects.order_by("pk").values_list("pk", flat=True))
    today = datetime.date(2026, 12, 2)
    fast = facts_for_applicants(ids, today=today)
    reference = _through_the_orm(ids, today)
    assert set(fast) == set(reference) == set(ids)
    for pk in ids:
        got = fast[pk]
        expected = reference[pk]
        assert got.today == today
        for name, value in expected.items():
            if name == "documents":  # the order of documents is not a fact
                assert sorted(got.documents, key=repr) == sorted(value, key=repr), pk
            else:
                assert getattr(got, name) == value, (pk, name)
    # The generated data covers what the loader must get right.
    assert any(f.transfer_school for f in fast.values())
    assert any(f.school and f.school.eligible_years for f in fast.values())
    assert any(f.documents for f in fast.values()) and any(f.exam_results for f in fast.values())
    assert any(f.balance for f in fast.values())

"""Recording results: replay is harmless, a different answer for the same sitting conflicts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from applicants.tests.factories import ApplicantFactory
from ecfmg_portal.errors import Conflict, DomainError
from exams.models import ExamResult
from exams.services import exam_result_record

pytestmark = pytest.mark.django_db


def test_replaying_the_same_result_stores_nothing_new() -> None:
    applicant = ApplicantFactory()
    day = datetime.date(2026, 3, 1)
    first, created = exam_result_record(
        applicant=applicant, exam="STEP1", test_date=day, outcome="pass", score=245
    )
    again, created_again = exam_result_record(
        applicant=applicant, exam="STEP1", test_date=day, outcome="pass", score=245
    )
    assert created and not created_again and first.pk == again.pk
    assert ExamResult.objects.count() == 1


def test_a_different_outcome_for_the_same_sitting_conflicts() -> None:
    applicant = ApplicantFactory()
    day = datetime.date(2026, 3, 1)
    exam_result_record(applicant=applicant, exam="STEP1", test_date=day, outcome="pass", score=245)
    with pytest.raises(Conflict):
        exam_result_record(applicant=applicant, exam="STEP1", test_date=day, outcome="fail", score=180)
    with pytest.raises(Conflict):
        exam_result_record(applicant=applicant, exam="STEP1", test_date=day, outcome="pass", score=246)


def test_a_future_test_date_is_refused() -> None:
    with pytest.raises(DomainError, match="future"):
        exam_result_record(
            applicant=ApplicantFactory(),
            exam="STEP1",
            test_date=timezone.localdate() + datetime.timedelta(days=1),
            outcome="pass",
            score=None,
        )

"""Issue 12 item 13: every demo applicant's history is possible under the rules, made
through the same services as a real one's (R-EX-6, R-EX-8, R-ED-3, R-ED-4, R-ID-1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from applicants.demo.loader import seed_demo
from applicants.models import Applicant
from certificates.models import Certificate
from credentials.models import Document
from exams.models import ExamApplication, ExamResult, UnmatchedResult
from exams.selectors import open_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks: Any) -> list[Applicant]:
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo()
    return list(Applicant.objects.filter(user__email__endswith="@applicant.test").select_related("user"))


def every_result_belongs_to_an_application_whose_period_contains_it(demo) -> None:
    results = list(ExamResult.objects.select_related("application", "applicant"))
    assert len(results) == 7  # graduate 1, verifying 3, certified 3
    for result in results:
        assert result.application is not None, result
        assert result.application.covers(result.test_date), result
        assert timezone.localdate(result.application.created_at) <= result.test_date
        assert result.test_date <= timezone.localdate(result.recorded_at)
        assert timezone.localdate(result.applicant.usmle_id_issued_at) <= result.test_date
    assert not UnmatchedResult.objects.exists()


def no_passed_step_has_an_open_eligibility_period(demo) -> None:
    today = timezone.localdate()
    for applicant in demo:
        applications = list(applicant.exam_applications.all())
        results = list(applicant.exam_results.all())
        for result in results:
            assert (
                open_application(exam=result.exam, applications=applications, results=results, today=today)
                is None
            )


def ids_come_before_applications_and_credentials_with_or_after_them(demo) -> None:
    for applicant in demo:
        applications = list(ExamApplication.objects.filter(applicant=applicant))
        if applications:
            assert applicant.usmle_id_issued_at < min(a.created_at for a in applications)
        first = min((a.created_at for a in applications), default=None)
        for document in Document.objects.filter(applicant=applicant, source=Document.Source.APPLICANT):
            graduated = applicant.graduation_date <= timezone.localdate(document.created_at)
            # R-ED-3/R-ED-4: a graduate uploads to apply with it; a student only after applying.
            assert graduated or (first is not None and first < document.created_at)


def the_certified_applicant_was_certified_after_the_last_pass(demo) -> None:
    certificate = Certificate.objects.get(applicant__user__email="certified@applicant.test")
    last_pass = max(r.test_date for r in certificate.applicant.exam_results.all())
    assert certificate.exam_requirements_met_on == last_pass


def the_student_has_an_open_step_1_period_and_a_permit_number(demo) -> None:
    student = next(a for a in demo if a.user.email == "student@applicant.test")
    [application] = student.exam_applications.all()
    assert application.scheduling_number
    assert application.eligibility_start < timezone.localdate() < application.eligibility_end


def test_every_demo_history_is_possible_under_the_rules(demo) -> None:
    """One seed (about 15 s) for every check of the story."""
    every_result_belongs_to_an_application_whose_period_contains_it(demo)
    no_passed_step_has_an_open_eligibility_period(demo)
    ids_come_before_applications_and_credentials_with_or_after_them(demo)
    the_certified_applicant_was_certified_after_the_last_pass(demo)
    the_student_has_an_open_step_1_period_and_a_permit_number(demo)


def test_seeding_again_adds_nothing(demo, django_capture_on_commit_callbacks: Any) -> None:
    counts = (ExamApplication.objects.count(), ExamResult.objects.count(), Document.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo()
    assert (ExamApplication.objects.count(), ExamResult.objects.count(), Document.objects.count()) == counts

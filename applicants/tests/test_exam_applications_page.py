from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from applicants.models import LedgerEntry
from applicants.tests.portal_helpers import logged_in, make_graduate, make_new_applicant, make_student
from credentials.tests.factories import DocumentFactory
from exams.models import Exam, ExamApplication, ExamResult
from exams.tests.factories import ExamResultFactory

pytestmark = pytest.mark.django_db


def test_a_graduate_without_diploma_is_told_to_upload_it_first(client: Client) -> None:
    applicant = make_graduate()
    logged_in(client, applicant)
    page = client.get(reverse("exams")).content.decode()
    assert "your first exam application must come with your final diploma" in page
    response = client.post(reverse("exam_apply"), {"exam": Exam.STEP1}, follow=True)
    assert "send your final diploma" in response.content.decode()
    assert not ExamApplication.objects.exists()


def test_a_graduate_with_the_diploma_applies_and_is_charged(client: Client) -> None:
    applicant = make_graduate()
    DocumentFactory(applicant=applicant)
    logged_in(client, applicant)
    response = client.post(reverse("exam_apply"), {"exam": Exam.STEP1}, follow=True)
    body = response.content.decode()
    assert "You applied for USMLE Step 1" in body and "eligibility period" in body
    application = ExamApplication.objects.get(applicant=applicant)
    assert application.fee.kind == LedgerEntry.Kind.CHARGE
    assert "Applied: eligibility period until" in body


def test_a_student_applies_before_graduating(client: Client) -> None:
    applicant = make_student()
    logged_in(client, applicant)
    client.post(reverse("exam_apply"), {"exam": Exam.STEP1})
    assert ExamApplication.objects.filter(applicant=applicant, exam=Exam.STEP1).exists()


def test_a_passed_step_shows_why_it_cannot_be_applied_for(client: Client) -> None:
    applicant = make_student()
    ExamResultFactory(applicant=applicant, exam=Exam.STEP1, outcome=ExamResult.Outcome.PASS)
    page = logged_in(client, applicant).get(reverse("exams")).content.decode()
    assert "You have already passed USMLE Step 1" in page
    assert "Passed on" in page


def test_an_unconfirmed_account_cannot_apply(client: Client) -> None:
    applicant = make_new_applicant(confirmed=False)
    logged_in(client, applicant)
    response = client.post(reverse("exam_apply"), {"exam": Exam.STEP1}, follow=True)
    assert "Confirm your e-mail address first" in response.content.decode()
    assert not ExamApplication.objects.exists()


def test_an_unknown_exam_is_refused(client: Client) -> None:
    applicant = make_student()
    response = logged_in(client, applicant).post(reverse("exam_apply"), {"exam": "STEP3"}, follow=True)
    assert "Choose Step 1, Step 2 CK or Step 2 CS" in response.content.decode()


def test_exams_page_query_count_does_not_grow_with_history(client: Client, django_assert_num_queries) -> None:
    applicant = make_student()
    logged_in(client, applicant)
    client.get(reverse("exams"))  # warm the session
    for exam in Exam:
        ExamResultFactory(applicant=applicant, exam=exam, outcome=ExamResult.Outcome.FAIL)
    # session, user, applicant, applications, results, first application?, then per Step (3):
    # passed?, applications (no open period here, so no third query).
    with django_assert_num_queries(12):
        assert client.get(reverse("exams")).status_code == 200

"""The exams page, the confirmation before charging, and the scheduling permit (issue 12
item 7; R-EX-6, R-ED-4, R-ED-7)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applicants.models import LedgerEntry
from applicants.tests.portal_helpers import logged_in, make_graduate, make_new_applicant, make_student
from credentials.tests.factories import DocumentFactory
from exams.models import Exam, ExamApplication, ExamResult
from exams.services import exam_application_create
from exams.tests.factories import ExamApplicationFactory, ExamResultFactory

pytestmark = pytest.mark.django_db


def _confirm_url(exam: str) -> str:
    return f"{reverse('exam_confirm')}?exam={exam}"


def test_a_graduate_without_diploma_is_told_to_upload_it_first_with_a_link(client: Client) -> None:
    applicant = make_graduate()
    logged_in(client, applicant)
    page = client.get(reverse("exams")).content.decode()
    assert "send your final diploma" in page
    assert f'href="{reverse("documents")}"' in page  # "go to the Documents page" is a link
    assert "You cannot apply now" not in page
    response = client.post(reverse("exam_apply"), {"exam": Exam.STEP1, "confirm": "yes"}, follow=True)
    assert "send your final diploma" in response.content.decode()
    assert not ExamApplication.objects.exists()


def test_a_graduate_with_a_diploma_not_in_english_is_asked_for_the_translation(client: Client) -> None:
    applicant = make_graduate()
    DocumentFactory(applicant=applicant, language="es")
    page = logged_in(client, applicant).get(reverse("exams")).content.decode()
    assert "official English translation" in page
    assert reverse("exam_confirm") not in page


def test_applying_shows_the_fee_and_the_period_and_charges_nothing_before_confirming(client: Client) -> None:
    applicant = make_student()
    logged_in(client, applicant)
    exams_page = client.get(reverse("exams")).content.decode()
    assert f'href="{_confirm_url(Exam.STEP1)}"' in exams_page
    confirm = client.get(_confirm_url(Exam.STEP1)).content.decode()
    today = timezone.localdate()
    assert "$1,000.00" in confirm
    assert f"{today.day} {today:%B %Y}" in confirm
    assert not LedgerEntry.objects.filter(applicant=applicant).exists()
    # A POST without the confirmation's "yes" goes back to the confirmation, charging nothing.
    response = client.post(reverse("exam_apply"), {"exam": Exam.STEP1})
    assert response.status_code == 302 and response["Location"] == _confirm_url(Exam.STEP1)
    assert not LedgerEntry.objects.filter(applicant=applicant).exists()


def test_confirming_charges_once_emails_the_charge_and_shows_the_permit(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    applicant = make_student()
    logged_in(client, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exam_apply"), {"exam": Exam.STEP1, "confirm": "yes"}, follow=True)
    application = ExamApplication.objects.get(applicant=applicant)
    assert response.redirect_chain[-1][0] == reverse("permit", args=[application.pk])
    body = response.content.decode()
    assert application.scheduling_number in body
    end = application.eligibility_end
    assert f"{end.day} {end:%B %Y}" in body
    assert "What to do next" in body
    assert application.fee.kind == LedgerEntry.Kind.CHARGE
    [message] = mail.outbox
    assert "$1,000.00" in message.subject


def test_the_permit_pdf_prints_the_step_period_number_and_next_steps(client: Client) -> None:
    applicant = make_student()
    application = exam_application_create(applicant=applicant, exam=Exam.STEP2CK)
    response = logged_in(client, applicant).get(reverse("permit_pdf", args=[application.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.content)).pages
    )
    start, end = application.eligibility_start, application.eligibility_end
    assert "USMLE Step 2 Clinical Knowledge (CK)" in text
    assert f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}" in text
    assert application.scheduling_number in text
    assert "What to do next" in text and "$1,000.00" in text


@pytest.mark.parametrize("name", ["permit", "permit_pdf"])
def test_another_applicants_permit_is_not_found(client: Client, name: str) -> None:
    owner = make_student()
    application = exam_application_create(applicant=owner, exam=Exam.STEP1)
    other = make_student(user__email="other@example.com")
    assert logged_in(client, other).get(reverse(name, args=[application.pk])).status_code == 404
    client.logout()
    assert client.get(reverse(name, args=[application.pk])).status_code == 302  # to the login page


def test_a_passed_step_reads_as_passed_not_as_a_refusal(client: Client) -> None:
    applicant = make_student()
    ExamResultFactory(applicant=applicant, exam=Exam.STEP1, outcome=ExamResult.Outcome.PASS)
    page = logged_in(client, applicant).get(reverse("exams")).content.decode()
    assert "Passed on 1 June 2025" in page
    assert 'data-testid="refusal-STEP1"' not in page
    assert f'href="{_confirm_url(Exam.STEP2CK)}"' in page  # the other Steps can be applied for


def test_an_open_application_shows_the_deadline_and_the_permit_link(client: Client) -> None:
    applicant = make_student()
    application = exam_application_create(applicant=applicant, exam=Exam.STEP1)
    page = logged_in(client, applicant).get(reverse("exams")).content.decode()
    end = application.eligibility_end
    assert f"Applied: schedule your test date before {end.day} {end:%B %Y}" in page
    assert reverse("permit", args=[application.pk]) in page
    assert "(1 of 4 attempts used)" in page


def test_attempts_used_leave_out_applications_that_lapsed_without_a_sitting(client: Client) -> None:
    applicant = make_student()
    today = timezone.localdate()
    ExamApplicationFactory(
        applicant=applicant, exam=Exam.STEP1, eligibility_start=today - datetime.timedelta(days=300)
    )
    failed = ExamApplicationFactory(
        applicant=applicant, exam=Exam.STEP1, eligibility_start=today - datetime.timedelta(days=150)
    )
    ExamResultFactory(
        applicant=applicant,
        exam=Exam.STEP1,
        outcome="fail",
        score=180,
        test_date=failed.eligibility_start,
        application=failed,
    )
    page = logged_in(client, applicant).get(reverse("exams")).content.decode()
    assert "(1 of 4 attempts used)" in page
    assert "an application that ended without a test is not counted" in page


def test_an_unconfirmed_account_cannot_apply(client: Client) -> None:
    applicant = make_new_applicant(confirmed=False)
    logged_in(client, applicant)
    response = client.post(reverse("exam_apply"), {"exam": Exam.STEP1, "confirm": "yes"}, follow=True)
    assert "Confirm your e-mail address first" in response.content.decode()
    assert not ExamApplication.objects.exists()


@pytest.mark.parametrize("exam", ["STEP3", ""])
def test_an_unknown_exam_is_refused(client: Client, exam: str) -> None:
    applicant = make_student()
    logged_in(client, applicant)
    response = client.post(reverse("exam_apply"), {"exam": exam, "confirm": "yes"}, follow=True)
    assert "Choose Step 1, Step 2 CK or Step 2 CS" in response.content.decode()
    assert "Choose Step 1" in client.get(_confirm_url(exam), follow=True).content.decode()


def test_the_confirmation_of_a_step_that_cannot_be_applied_for_goes_back_with_why(client: Client) -> None:
    applicant = make_student()
    exam_application_create(applicant=applicant, exam=Exam.STEP1)
    response = logged_in(client, applicant).get(_confirm_url(Exam.STEP1), follow=True)
    assert response.redirect_chain[-1][0] == reverse("exams")
    assert "is open until" in response.content.decode()


def test_exams_page_query_count_does_not_grow_with_history(client: Client) -> None:
    applicant = make_student()
    logged_in(client, applicant)
    client.get(reverse("exams"))  # warm the session
    for exam in Exam:
        ExamResultFactory(applicant=applicant, exam=exam, outcome=ExamResult.Outcome.FAIL)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("exams")).status_code == 200
        return len(queries)

    few = count()
    # The session, the user, the applicant and the layout's own reads, then the
    # applicant's file (one statement: applications and results for all three Steps).
    assert few == 6
    for exam in Exam:
        ExamApplicationFactory(applicant=applicant, exam=exam, eligibility_start=datetime.date(2024, 1, 1))
        ExamResultFactory(applicant=applicant, exam=exam, outcome="fail", test_date=datetime.date(2024, 1, 5))
    assert count() == few

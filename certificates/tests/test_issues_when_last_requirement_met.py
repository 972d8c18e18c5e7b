"""R-CE-1, R-PAY-2: the certificate follows by itself from whichever fact completes the
requirements; the real services of the other apps fire the trigger."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from applicants.models import LedgerEntry
from applicants.services.ledger import ledger_post
from certificates.models import Certificate
from certificates.tests.factories import PASS_DATES, applicant_with
from credentials.models import Document
from credentials.services.documents import document_decide
from exams.models import Exam
from exams.services import exam_result_record
from exams.tests.factories import applied_for, sitting_for

pytestmark = pytest.mark.django_db


def test_issues_when_the_exam_is_last(fake_pdf, django_capture_on_commit_callbacks):
    applicant = applicant_with(exams=(Exam.STEP1, Exam.STEP2CK))
    with django_capture_on_commit_callbacks(execute=True):
        sitting_for(applicant, Exam.STEP2CS, datetime.date(2026, 2, 3))
        exam_result_record(
            applicant=applicant,
            exam=Exam.STEP2CS,
            test_date=datetime.date(2026, 2, 3),
            outcome="pass",
            score=None,
        )
    certificate = Certificate.objects.get(applicant=applicant)
    # R-EX-5: the latest of the three first passes, which is this last one.
    assert certificate.exam_requirements_met_on == datetime.date(2026, 2, 3)
    assert certificate.pdf_rendered_at is not None


def test_a_failed_exam_does_not_issue(fake_pdf, django_capture_on_commit_callbacks):
    applicant = applicant_with(exams=(Exam.STEP1, Exam.STEP2CK))
    with django_capture_on_commit_callbacks(execute=True):
        sitting_for(applicant, Exam.STEP2CS, datetime.date(2026, 2, 3))
        exam_result_record(
            applicant=applicant,
            exam=Exam.STEP2CS,
            test_date=datetime.date(2026, 2, 3),
            outcome="fail",
            score=None,
        )
    assert not Certificate.objects.filter(applicant=applicant).exists()


def test_issues_when_verification_is_last(fake_pdf, django_capture_on_commit_callbacks):
    applicant = applicant_with(diploma_status=Document.Status.SENT_FOR_VERIFICATION)
    applied_for(applicant)  # credentials are processed from the first exam application (R-ED-3)
    diploma = Document.objects.get(applicant=applicant, kind=Document.Kind.DIPLOMA)
    with django_capture_on_commit_callbacks(execute=True):
        document_decide(document=diploma, to_status=Document.Status.VERIFIED, actor=None)
    certificate = Certificate.objects.get(applicant=applicant)
    assert certificate.exam_requirements_met_on == PASS_DATES[Exam.STEP2CS]


def test_issues_when_payment_is_last(fake_pdf, django_capture_on_commit_callbacks):
    applicant = applicant_with(charges=("1300.00",))
    with django_capture_on_commit_callbacks(execute=True):
        ledger_post(
            applicant=applicant, kind=LedgerEntry.Kind.PAYMENT, amount=Decimal("1300.00"), description="Card"
        )
    assert Certificate.objects.filter(applicant=applicant).count() == 1


def test_does_not_issue_while_one_cent_is_owed(fake_pdf, django_capture_on_commit_callbacks):
    applicant = applicant_with(charges=("1300.00",))
    with django_capture_on_commit_callbacks(execute=True):
        ledger_post(
            applicant=applicant, kind=LedgerEntry.Kind.PAYMENT, amount=Decimal("1299.99"), description="Card"
        )
    assert not Certificate.objects.filter(applicant=applicant).exists()

    with django_capture_on_commit_callbacks(execute=True):
        ledger_post(
            applicant=applicant, kind=LedgerEntry.Kind.PAYMENT, amount=Decimal("0.01"), description="Card"
        )
    assert Certificate.objects.filter(applicant=applicant).exists()


def test_a_credit_balance_does_not_block_issue(fake_pdf, django_capture_on_commit_callbacks):
    applicant = applicant_with(charges=("100.00",))
    with django_capture_on_commit_callbacks(execute=True):
        ledger_post(
            applicant=applicant, kind=LedgerEntry.Kind.PAYMENT, amount=Decimal("150.00"), description="Card"
        )
    assert Certificate.objects.filter(applicant=applicant).exists()


def test_missing_transcript_from_the_school_blocks_issue(fake_pdf, django_capture_on_commit_callbacks):
    applicant = applicant_with(transcript_from_school=False, charges=("10.00",))
    with django_capture_on_commit_callbacks(execute=True):
        ledger_post(
            applicant=applicant, kind=LedgerEntry.Kind.PAYMENT, amount=Decimal("10.00"), description="Card"
        )
    assert not Certificate.objects.filter(applicant=applicant).exists()

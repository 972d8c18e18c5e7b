"""R-EX-6 and R-ED-4: applying for a Step."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from applicants.services.ledger import ledger_balance
from applicants.tests.factories import ApplicantFactory
from credentials.tests.factories import DocumentFactory
from ecfmg_portal.errors import DomainError
from exams.models import ExamApplication
from exams.services import add_months, exam_application_create
from exams.tests.factories import ExamResultFactory

pytestmark = pytest.mark.django_db


def student():
    """A student: graduation is in the future, so no diploma is needed to apply."""
    return ApplicantFactory(graduation_date=timezone.localdate() + datetime.timedelta(days=200))


def test_an_application_opens_a_three_month_period_and_charges_the_fee(settings) -> None:
    applicant = student()
    application = exam_application_create(applicant=applicant, exam="STEP1")
    assert application.eligibility_end == add_months(application.eligibility_start, 3)
    assert application.fee.amount == settings.EXAM_FEES["STEP1"]
    assert ledger_balance(applicant=applicant) == settings.EXAM_FEES["STEP1"]


def test_a_passed_step_cannot_be_applied_for_again() -> None:
    applicant = student()
    ExamResultFactory(applicant=applicant, exam="STEP1", outcome="pass")
    with pytest.raises(DomainError, match="already passed"):
        exam_application_create(applicant=applicant, exam="STEP1")


def test_a_fifth_application_for_a_step_is_refused_with_the_reason() -> None:
    applicant = student()
    start = datetime.datetime(2025, 1, 5, tzinfo=datetime.UTC)
    for attempt in range(4):
        with time_machine.travel(start + datetime.timedelta(days=120 * attempt), tick=False):
            exam_application_create(applicant=applicant, exam="STEP2CK")
            ExamResultFactory(
                applicant=applicant,
                exam="STEP2CK",
                outcome="fail",
                test_date=timezone.localdate() + datetime.timedelta(days=10),
            )
    with (
        time_machine.travel(start + datetime.timedelta(days=600), tick=False),
        pytest.raises(DomainError, match="at most 4 attempts"),
    ):
        exam_application_create(applicant=applicant, exam="STEP2CK")
    assert ExamApplication.objects.filter(applicant=applicant, exam="STEP2CK").count() == 4


def test_a_second_application_during_an_open_period_is_refused() -> None:
    applicant = student()
    exam_application_create(applicant=applicant, exam="STEP1")
    with pytest.raises(DomainError, match="open until"):
        exam_application_create(applicant=applicant, exam="STEP1")
    assert ledger_balance(applicant=applicant) == Decimal("1000.00")


def test_a_graduates_first_application_needs_the_diploma() -> None:
    """R-ED-4: credentials go WITH a graduate's first exam application."""
    graduate = ApplicantFactory()
    with pytest.raises(DomainError, match="send your final diploma"):
        exam_application_create(applicant=graduate, exam="STEP1")
    assert not ExamApplication.objects.filter(applicant=graduate).exists()
    DocumentFactory(applicant=graduate)
    assert exam_application_create(applicant=graduate, exam="STEP1").pk


def test_no_application_without_an_identification_number() -> None:
    """R-ID-1: the number comes before the first exam application."""
    applicant = ApplicantFactory(usmle_id=None, usmle_id_issued_at=None)
    with pytest.raises(DomainError, match="Identification Number"):
        exam_application_create(applicant=applicant, exam="STEP1")


def test_unknown_exam_is_refused() -> None:
    with pytest.raises(DomainError):
        exam_application_create(applicant=student(), exam="STEP3")


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.date(2026, 1, 31), datetime.date(2026, 4, 30)),
        (datetime.date(2026, 11, 30), datetime.date(2027, 2, 28)),
        (datetime.date(2027, 11, 30), datetime.date(2028, 2, 29)),
        (datetime.date(2026, 3, 15), datetime.date(2026, 6, 15)),
    ],
)
def test_eligibility_period_is_three_calendar_months(start: datetime.date, end: datetime.date) -> None:
    assert add_months(start, 3) == end

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
from exams.models import ExamApplication, ExamResult
from exams.selectors import attempts_used
from exams.services import add_months, exam_application_create
from exams.tests.factories import ExamApplicationFactory, ExamResultFactory

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


# --- R-EX-6: what counts as an attempt -------------------------------------

TODAY = datetime.date(2026, 6, 1)


def _lapsed(applicant, n=1):
    for i in range(n):
        start = TODAY - datetime.timedelta(days=400 - 100 * i)
        ExamApplicationFactory(applicant=applicant, exam="STEP1", eligibility_start=start)


def _open_unsat(applicant):
    ExamApplicationFactory(
        applicant=applicant, exam="STEP1", eligibility_start=TODAY - datetime.timedelta(days=10)
    )


def _sat_and_failed(applicant):
    application = ExamApplicationFactory(
        applicant=applicant, exam="STEP1", eligibility_start=TODAY - datetime.timedelta(days=200)
    )
    ExamResultFactory(
        applicant=applicant, exam="STEP1", outcome="fail", score=180, test_date=application.eligibility_start
    )


@pytest.mark.parametrize(
    ("arrange", "attempts"),
    [
        pytest.param(lambda a: None, 0, id="nothing yet"),
        pytest.param(_lapsed, 0, id="an application that lapsed without a sitting"),
        pytest.param(lambda a: _lapsed(a, 4), 0, id="four lapsed applications"),
        pytest.param(_open_unsat, 1, id="an application still open"),
        pytest.param(_sat_and_failed, 1, id="a sitting"),
        pytest.param(
            lambda a: (_sat_and_failed(a), _lapsed(a), _open_unsat(a)), 2, id="sitting + open + lapsed"
        ),
    ],
)
def test_an_attempt_is_a_sitting_or_an_open_application_not_a_lapsed_one(arrange, attempts) -> None:
    applicant = student()
    arrange(applicant)
    applications = list(ExamApplication.objects.filter(applicant=applicant))
    results = list(ExamResult.objects.filter(applicant=applicant))
    assert attempts_used(exam="STEP1", applications=applications, results=results, today=TODAY) == attempts


def test_applications_that_lapsed_without_a_sitting_do_not_stop_a_fifth_application() -> None:
    applicant = student()
    with time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        _lapsed(applicant, 4)
        assert exam_application_create(applicant=applicant, exam="STEP1").pk
    assert ExamApplication.objects.filter(applicant=applicant, exam="STEP1").count() == 5


# --- R-ED-4 with R-ED-7: what a graduate's first application needs ------------


@pytest.mark.parametrize(
    ("documents", "refused_with"),
    [
        pytest.param([], "send your final diploma", id="no diploma"),
        pytest.param([("diploma", "es", "received")], "translation", id="Spanish diploma, no translation"),
        pytest.param(
            [("diploma", "es", "received"), ("translation", "en", "rejected")],
            "translation",
            id="Spanish diploma, translation rejected",
        ),
        pytest.param([("diploma", "en", "rejected")], "send your final diploma", id="diploma rejected"),
        pytest.param([("diploma", "en", "received")], None, id="English diploma"),
        pytest.param(
            [("diploma", "fr", "received"), ("translation", "en", "received")], None, id="with translation"
        ),
    ],
)
def test_a_graduates_first_application_needs_the_diploma_and_its_translation(documents, refused_with) -> None:
    graduate = ApplicantFactory()
    for kind, language, status in documents:
        DocumentFactory(applicant=graduate, kind=kind, language=language, status=status)
    if refused_with:
        with pytest.raises(DomainError, match=refused_with) as refused:
            exam_application_create(applicant=graduate, exam="STEP1")
        assert refused.value.code == "credentials_required"
        assert not ExamApplication.objects.filter(applicant=graduate).exists()
    else:
        assert exam_application_create(applicant=graduate, exam="STEP1").scheduling_number


def test_a_students_first_application_needs_no_credentials() -> None:
    assert exam_application_create(applicant=student(), exam="STEP1").pk


def test_each_application_gets_its_own_scheduling_number() -> None:
    applicant = student()
    first = exam_application_create(applicant=applicant, exam="STEP1")
    second = exam_application_create(applicant=applicant, exam="STEP2CK")
    assert first.scheduling_number != second.scheduling_number
    assert len(first.scheduling_number) == 14

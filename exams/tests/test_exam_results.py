"""Recording results (R-EX-8): only a real sitting counts; replay is harmless; a
different answer for the same sitting conflicts; what is refused waits for staff."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from applicants.tests.factories import ApplicantFactory
from certificates.selectors import applicant_assessment
from ecfmg_portal.errors import Conflict, DomainError
from exams.models import ExamResult, PassingStandard, UnmatchedResult
from exams.results import ResultUnmatched, unmatched_result_dismiss, unmatched_result_match
from exams.services import exam_result_record
from exams.tests.factories import ExamApplicationFactory, ExamResultFactory, sitting_for

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 2)


def record(applicant, *, exam="STEP1", test_date=DAY, outcome="pass", score=None, source="feed"):
    return exam_result_record(
        applicant=applicant, exam=exam, test_date=test_date, outcome=outcome, score=score, source=source
    )


def test_replaying_the_same_result_stores_nothing_new() -> None:
    applicant = ApplicantFactory()
    sitting_for(applicant, "STEP1", DAY)
    first, created = record(applicant, score=245)
    again, created_again = record(applicant, score=245)
    assert created and not created_again and first.pk == again.pk
    assert ExamResult.objects.count() == 1


def test_a_different_outcome_for_the_same_sitting_conflicts() -> None:
    applicant = ApplicantFactory()
    sitting_for(applicant, "STEP1", DAY)
    record(applicant, score=245)
    with pytest.raises(Conflict):
        record(applicant, outcome="fail", score=180)
    with pytest.raises(Conflict):
        record(applicant, score=246)


def test_a_future_test_date_is_refused() -> None:
    with pytest.raises(DomainError, match="future"):
        record(ApplicantFactory(), test_date=timezone.localdate() + datetime.timedelta(days=1))


def test_a_result_is_linked_to_the_application_it_belongs_to() -> None:
    applicant = ApplicantFactory()
    application = sitting_for(applicant, "STEP2CK", DAY)
    result, _ = record(applicant, exam="STEP2CK", score=230)
    assert result.application == application


def _no_application(applicant):
    applicant.usmle_id_issued_at = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    applicant.save(update_fields=["usmle_id_issued_at"])


def _application_ended_before(applicant):
    _no_application(applicant)
    ExamApplicationFactory(
        applicant=applicant, exam="STEP1", eligibility_start=DAY - datetime.timedelta(days=120)
    )


def _application_of_another_step(applicant):
    sitting_for(applicant, "STEP2CK", DAY)


def _application_starts_after(applicant):
    _no_application(applicant)
    ExamApplicationFactory(
        applicant=applicant, exam="STEP1", eligibility_start=DAY + datetime.timedelta(days=1)
    )


def _already_passed(applicant):
    sitting_for(applicant, "STEP1", DAY - datetime.timedelta(days=200))
    record(applicant, test_date=DAY - datetime.timedelta(days=200))
    sitting_for(applicant, "STEP1", DAY)


def _application_already_sat(applicant):
    application = sitting_for(applicant, "STEP1", DAY)
    application.eligibility_start = DAY - datetime.timedelta(days=20)
    application.save()
    record(applicant, test_date=DAY - datetime.timedelta(days=10), outcome="fail", score=180)


def _id_issued_after(applicant):
    sitting_for(applicant, "STEP1", DAY)
    applicant.usmle_id_issued_at = datetime.datetime(2026, 3, 10, tzinfo=datetime.UTC)
    applicant.save(update_fields=["usmle_id_issued_at"])


@pytest.mark.parametrize(
    ("arrange", "kwargs", "code"),
    [
        pytest.param(_no_application, {}, "no_matching_application", id="a pass with no application"),
        pytest.param(_application_ended_before, {}, "no_matching_application", id="period ended before"),
        pytest.param(_application_starts_after, {}, "no_matching_application", id="dated before the period"),
        pytest.param(_application_of_another_step, {}, "no_matching_application", id="only another Step"),
        pytest.param(_application_already_sat, {}, "no_matching_application", id="application already sat"),
        pytest.param(_already_passed, {}, "already_passed", id="a second pass"),
        pytest.param(_id_issued_after, {}, "before_id_issued", id="before the ID was issued"),
        pytest.param(
            _no_application, {"test_date": datetime.date(1, 1, 1)}, "before_id_issued", id="0001-01-01"
        ),
        pytest.param(sitting_for, {"score": 100}, "score_disagrees_with_outcome", id="pass with 100"),
        pytest.param(
            sitting_for, {"outcome": "fail", "score": 240}, "score_disagrees_with_outcome", id="fail 240"
        ),
    ],
)
def test_a_result_that_is_not_a_real_sitting_is_refused_and_kept_for_staff(arrange, kwargs, code) -> None:
    """R-EX-8: refused with a machine code, kept in the unmatched queue, counts for nothing."""
    applicant = ApplicantFactory()
    if arrange is sitting_for:
        sitting_for(applicant, "STEP1", DAY)
    else:
        arrange(applicant)
    stored_before = ExamResult.objects.count()
    with pytest.raises(ResultUnmatched) as refused:
        record(applicant, **kwargs)
    assert refused.value.code == code and refused.value.status == 422
    assert ExamResult.objects.count() == stored_before
    waiting = UnmatchedResult.objects.get(applicant=applicant)
    assert (waiting.reason, waiting.status) == (code, UnmatchedResult.Status.OPEN)
    if code != "already_passed":
        assert not applicant_assessment(applicant=applicant).get("R-EX-1").met


def test_a_replayed_unmatched_result_waits_once() -> None:
    applicant = ApplicantFactory()
    for _ in range(2):
        with pytest.raises(ResultUnmatched):
            record(applicant)
    assert UnmatchedResult.objects.filter(applicant=applicant).count() == 1


def test_a_result_staff_type_is_refused_without_joining_the_queue() -> None:
    applicant = ApplicantFactory()
    with pytest.raises(ResultUnmatched, match="before the USMLE/ECFMG ID"):
        record(applicant, source="staff", test_date=datetime.date(2020, 1, 1))
    assert not UnmatchedResult.objects.exists()


@pytest.mark.parametrize(
    ("exam", "test_date", "score", "outcome", "counts"),
    [
        ("STEP1", datetime.date(2021, 12, 1), 194, "pass", True),  # 194 standard
        ("STEP1", datetime.date(2021, 12, 1), 193, "pass", False),
        ("STEP1", datetime.date(2022, 2, 1), 195, "pass", False),  # 196 from 26 January 2022
        ("STEP1", datetime.date(2022, 2, 1), 195, "fail", True),
        ("STEP2CK", datetime.date(2022, 6, 30), 210, "pass", True),  # 209 until 30 June 2022
        ("STEP2CK", datetime.date(2022, 7, 1), 210, "pass", False),  # 214 from 1 July 2022
        ("STEP2CK", datetime.date(2022, 7, 1), 214, "pass", True),
        ("STEP2CS", datetime.date(2022, 7, 1), None, "pass", True),  # pass/fail only
        ("STEP2CS", datetime.date(2022, 7, 1), 250, "pass", False),
        ("STEP1", datetime.date(2022, 2, 1), None, "pass", True),  # no score: nothing to disagree
    ],
)
def test_a_score_is_judged_by_the_passing_standard_in_force_on_the_test_date(
    exam, test_date, score, outcome, counts
) -> None:
    applicant = ApplicantFactory()
    sitting_for(applicant, exam, test_date)
    if counts:
        assert record(applicant, exam=exam, test_date=test_date, score=score, outcome=outcome)[1]
    else:
        with pytest.raises(ResultUnmatched) as refused:
            record(applicant, exam=exam, test_date=test_date, score=score, outcome=outcome)
        assert refused.value.code == "score_disagrees_with_outcome"


def test_passing_standards_are_dated_data_with_their_source() -> None:
    standards = PassingStandard.objects.all()
    assert standards.count() >= 5
    assert all(s.source for s in standards)
    assert (
        PassingStandard.objects.get(exam="STEP2CK", effective_from=datetime.date(2022, 7, 1)).minimum_score
        == 214
    )


def test_a_score_with_no_standard_recorded_for_the_date_waits_for_staff() -> None:
    applicant = ApplicantFactory()
    sitting_for(applicant, "STEP1", datetime.date(2010, 5, 1))
    with pytest.raises(ResultUnmatched) as refused:
        record(applicant, test_date=datetime.date(2010, 5, 1), score=230)
    assert refused.value.code == "no_passing_standard"


def test_staff_match_a_result_that_arrived_before_its_application() -> None:
    applicant = ApplicantFactory(usmle_id_issued_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    with pytest.raises(ResultUnmatched):
        record(applicant, score=230)
    waiting = UnmatchedResult.objects.get()
    application = ExamApplicationFactory(applicant=applicant, exam="STEP1", eligibility_start=DAY)
    result = unmatched_result_match(unmatched=waiting, application=application, actor=None)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.result) == (UnmatchedResult.Status.MATCHED, result)
    assert result.application == application
    assert applicant_assessment(applicant=applicant).get("R-EX-1").met


def test_matching_never_lets_a_result_count_that_the_rule_refuses() -> None:
    applicant = ApplicantFactory(usmle_id_issued_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    with pytest.raises(ResultUnmatched):
        record(applicant, score=230)
    waiting = UnmatchedResult.objects.get()
    too_late = ExamApplicationFactory(
        applicant=applicant, exam="STEP1", eligibility_start=DAY + datetime.timedelta(days=5)
    )
    with pytest.raises(ResultUnmatched):
        unmatched_result_match(unmatched=waiting, application=too_late, actor=None)
    other_step = ExamApplicationFactory(applicant=applicant, exam="STEP2CK", eligibility_start=DAY)
    with pytest.raises(DomainError, match="this Step"):
        unmatched_result_match(unmatched=waiting, application=other_step, actor=None)
    waiting.refresh_from_db()
    assert waiting.status == UnmatchedResult.Status.OPEN
    assert not ExamResult.objects.exists()


def test_staff_dismiss_a_waiting_result_with_a_note_and_it_counts_for_nothing() -> None:
    applicant = ApplicantFactory()
    with pytest.raises(ResultUnmatched):
        record(applicant)
    waiting = UnmatchedResult.objects.get()
    with pytest.raises(DomainError, match="why"):
        unmatched_result_dismiss(unmatched=waiting, actor=None, note="  ")
    unmatched_result_dismiss(unmatched=waiting, actor=None, note="Sent for the wrong examinee.")
    waiting.refresh_from_db()
    assert waiting.status == UnmatchedResult.Status.DISMISSED
    with pytest.raises(DomainError, match="already been resolved"):
        unmatched_result_dismiss(unmatched=waiting, actor=None, note="again")
    assert not ExamResultFactory._meta.model.objects.exists()

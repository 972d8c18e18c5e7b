"""Staff CSV import: the feed's validation and idempotency, an error per bad row."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applicants.tests.factories import ApplicantFactory
from exams.models import ExamResult, UnmatchedResult
from exams.tests.factories import ExamResultFactory, sitting_for
from verification.services.results import exam_results_import

pytestmark = pytest.mark.django_db


def csv_lines(rows: list[str]) -> list[str]:
    return ["usmle_id,exam,test_date,outcome,score\n", *(r + "\n" for r in rows)]


def test_good_rows_are_stored_and_bad_rows_reported_by_line():
    applicant = ApplicantFactory()
    sitting_for(applicant, "STEP1", datetime.date(2025, 1, 10))
    sitting_for(applicant, "STEP2CS", datetime.date(2025, 1, 10))
    ExamResultFactory(applicant=applicant, exam="STEP2CK", test_date=datetime.date(2025, 3, 1), score=230)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    summary = exam_results_import(
        lines=csv_lines(
            [
                f"{applicant.usmle_id},STEP1,2025-01-10,pass,245",  # 2: new
                f"{applicant.usmle_id},STEP2CK,2025-03-01,pass,230",  # 3: replay
                f"{applicant.usmle_id},STEP2CK,2025-03-01,fail,180",  # 4: conflict
                "10000009,STEP1,2025-01-10,pass,",  # 5: bad check digit
                f"{applicant.usmle_id},STEP3,2025-01-10,pass,",  # 6: unknown exam
                f"{applicant.usmle_id},STEP2CS,{tomorrow},pass,",  # 7: future
                f"{applicant.usmle_id},STEP2CS,10/01/2025,pass,",  # 8: date format
                f"{applicant.usmle_id},STEP2CS,2025-01-10,pass,",  # 9: new, no score
            ]
        )
    )
    assert (summary.created, summary.replayed) == (2, 1)
    assert [line for line, _ in summary.errors] == [4, 5, 6, 7, 8]
    assert "different result" in summary.errors[0][1]
    assert summary.errors[1][1].startswith("usmle_id:")
    assert ExamResult.objects.filter(source=ExamResult.Source.IMPORT).count() == 2


def test_importing_the_same_file_twice_stores_nothing_new():
    applicant = ApplicantFactory()
    sitting_for(applicant, "STEP1", datetime.date(2025, 1, 10))
    lines = csv_lines([f"{applicant.usmle_id},STEP1,2025-01-10,pass,245"])
    assert exam_results_import(lines=lines).created == 1
    again = exam_results_import(lines=lines)
    assert (again.created, again.replayed, again.errors) == (0, 1, [])


def test_an_unmatched_row_is_reported_by_line_and_kept_for_staff():
    """R-EX-8 through the import: the same service as the feed, the same queue."""
    applicant = ApplicantFactory()
    sitting_for(applicant, "STEP1", datetime.date(2025, 2, 10))  # a Step 1 sitting, not CK
    summary = exam_results_import(lines=csv_lines([f"{applicant.usmle_id},STEP2CK,2025-02-10,pass,230"]))
    assert summary.created == 0
    [(line, message)] = summary.errors
    assert line == 2 and "No application for USMLE Step 2" in message
    assert UnmatchedResult.objects.get().source == ExamResult.Source.IMPORT
    assert not ExamResult.objects.exists()


def test_a_file_without_the_columns_is_refused_whole():
    summary = exam_results_import(lines=["id,result\n", "1,pass\n"])
    assert summary.errors == [(1, "Missing column(s): usmle_id, exam, test_date, outcome, score.")]


def test_staff_import_through_the_admin_shows_row_errors(staff_client):
    client = staff_client
    applicant = ApplicantFactory()
    sitting_for(applicant, "STEP1", datetime.date(2025, 1, 10))
    content = "".join(
        csv_lines([f"{applicant.usmle_id},STEP1,2025-01-10,pass,245", "123,STEP1,2025-01-10,pass,"])
    )
    upload = SimpleUploadedFile("results.csv", content.encode(), content_type="text/csv")
    response = client.post("/admin/verification/examresultimport/import/", {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 result(s) stored" in page
    assert "<td>3</td>" in page and "usmle_id:" in page
    assert ExamResult.objects.count() == 1

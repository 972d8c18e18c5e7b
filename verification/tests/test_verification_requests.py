"""POST /api/v1/verifications/ (R-VE-1: status confirmed on request of a licensing authority,
residency program, hospital or other organization): identity match, the report of api.md, the request log."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from applicants.tests.factories import ApplicantFactory
from credentials.models import Document
from credentials.tests.factories import DocumentFactory
from exams.tests.factories import ExamResultFactory
from tests.support.payload import keys_of
from verification.models import VerificationReport, VerificationRequest

from .conftest import auth
from .factories import CertificateFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/verifications/"


def ask(api, key, applicant, **overrides):
    body = {
        "usmle_id": applicant.usmle_id,
        "last_name": applicant.last_name,
        "date_of_birth": applicant.date_of_birth.isoformat(),
        **overrides,
    }
    return api.post(URL, body, format="json", **auth(key))


@pytest.mark.parametrize("typed", ["Núñez", "NUNEZ", "nunez", "  Núñez ", "NÚÑEZ"])
def test_last_name_matches_without_case_or_accents(api, board_key, nunez, typed):
    response = ask(api, board_key, nunez, last_name=typed)
    assert response.status_code == 201
    # The report prints the name exactly as recorded (R-ID-3), not as typed.
    assert response.json()["applicant"]["last_name"] == "Núñez"


@pytest.mark.parametrize(
    "wrong",
    [
        {"last_name": "Nunes"},
        {"date_of_birth": "1990-03-15"},
        {"usmle_id": "10000008"},  # valid, nobody's
        {"usmle_id": "10000009"},  # bad check digit: same answer
    ],
)
def test_every_mismatch_gets_the_same_404(api, board_key, nunez, wrong):
    response = ask(api, board_key, nunez, **wrong)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_a_mismatch_is_logged_without_the_submitted_name_or_birth_date(api, board, board_key, nunez):
    ask(api, board_key, nunez, last_name="Wrongname")
    entry = VerificationRequest.objects.get()
    assert entry.outcome == VerificationRequest.Outcome.NO_MATCH
    assert entry.organization == board
    assert entry.applicant is None and entry.report is None
    assert entry.usmle_id == nunez.usmle_id
    stored = " ".join(str(v) for v in entry.__dict__.values())
    assert "Wrongname".lower() not in stored.lower()
    assert "1990-03-14" not in stored
    assert len(entry.submission_digest) == 64


def test_a_match_is_logged_with_who_when_about_whom_and_the_answer(api, board, board_key, nunez):
    response = ask(api, board_key, nunez)
    entry = VerificationRequest.objects.get()
    report = VerificationReport.objects.get()
    assert entry.outcome == VerificationRequest.Outcome.MATCHED
    assert (entry.organization, entry.applicant, entry.report) == (board, nunez, report)
    assert entry.api_key.organization == board
    assert report.payload == response.json()


def test_invalid_bodies_are_400_per_field(api, board_key):
    response = api.post(
        URL,
        {"usmle_id": "12ab", "last_name": "", "date_of_birth": "14/03/1990"},
        format="json",
        **auth(board_key),
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"usmle_id", "last_name", "date_of_birth"}
    assert not VerificationRequest.objects.exists()


def test_non_json_is_415(api, board_key, nunez):
    response = api.post(URL, {"usmle_id": nunez.usmle_id}, **auth(board_key))
    assert response.status_code == 415


def test_report_of_a_not_yet_certified_applicant_is_exactly_api_md(api, board_key, nunez):
    ExamResultFactory(applicant=nunez, exam="STEP1", test_date=datetime.date(2024, 5, 2), outcome="fail")
    ExamResultFactory(applicant=nunez, exam="STEP1", test_date=datetime.date(2024, 9, 3), outcome="pass")
    DocumentFactory(applicant=nunez, status=Document.Status.SENT_FOR_VERIFICATION)
    data = ask(api, board_key, nunez).json()
    report = VerificationReport.objects.get()
    assert data == {
        "id": str(report.pk),
        "verification_code": report.verification_code,
        "generated_at": report.generated_at.isoformat(),
        "usmle_id": nunez.usmle_id,
        "applicant": {"given_names": "María José", "last_name": "Núñez", "date_of_birth": "1990-03-14"},
        "certification": {
            "status": "not_certified",
            "certificate_number": None,
            "exam_requirements_met_on": None,
            "issued_on": None,
            "revoked_on": None,
        },
        "exams": [
            {"exam": "STEP1", "passed": True, "passed_on": "2024-09-03"},
            {"exam": "STEP2CK", "passed": False, "passed_on": None},
            {"exam": "STEP2CS", "passed": False, "passed_on": None},
        ],
        "medical_education": {
            "school": {"name": nunez.school.name, "country": "IN"},
            "graduation_year": nunez.graduation_date.year,
            "credential_status": "Sent for verification",
        },
    }
    assert "score" not in set(keys_of(data))
    assert len(report.verification_code) >= 32


def test_exam_requirements_date_is_stated_once_all_steps_pass(api, board_key, nunez):
    for exam, day in [("STEP1", 3), ("STEP2CK", 20), ("STEP2CS", 9)]:
        ExamResultFactory(applicant=nunez, exam=exam, test_date=datetime.date(2025, 2, day))
    data = ask(api, board_key, nunez).json()
    assert data["certification"]["exam_requirements_met_on"] == "2025-02-20"  # R-EX-5
    assert data["medical_education"]["credential_status"] == "Not yet submitted"


def test_a_certified_applicant_and_a_later_revocation(api, board_key, nunez):
    certificate = CertificateFactory(applicant=nunez, number="0-1234567-8")
    first = ask(api, board_key, nunez).json()
    assert first["certification"] == {
        "status": "certified",
        "certificate_number": "0-1234567-8",
        "exam_requirements_met_on": "2025-09-01",
        "issued_on": "2025-10-01",
        "revoked_on": None,
    }
    certificate.status = certificate.Status.REVOKED
    certificate.revoked_on = datetime.date(2026, 1, 5)
    certificate.save()
    later = ask(api, board_key, nunez).json()
    assert later["certification"]["status"] == "revoked"
    assert later["certification"]["revoked_on"] == "2026-01-05"
    # The earlier report still says what it said when it was generated.
    assert api.get(f"{URL}{first['id']}/", **auth(board_key)).json()["certification"]["status"] == "certified"


def test_a_student_has_no_graduation_year_yet(api, board_key):
    student = ApplicantFactory(graduation_date=datetime.date.today() + datetime.timedelta(days=200))
    assert ask(api, board_key, student).json()["medical_education"]["graduation_year"] is None


def test_query_counts_are_fixed(api, board_key, nunez, django_assert_num_queries):
    ask(api, board_key, nunez, last_name="warm-up")  # writes last_used_at
    CertificateFactory(applicant=nunez)
    for exam in ("STEP1", "STEP2CK", "STEP2CS"):
        ExamResultFactory(applicant=nunez, exam=exam)
    # The key is this process's copy. Then one SELECT of the facts (applicant, school,
    # certificate, passes, diploma) and one statement storing report and log on PostgreSQL;
    # elsewhere the two INSERTs in a savepoint (savepoint, insert, insert, release).
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 5):
        assert ask(api, board_key, nunez).status_code == 201
    # A mismatch: the facts (none), the log insert.
    with django_assert_num_queries(2):
        assert ask(api, board_key, nunez, last_name="Other").status_code == 404

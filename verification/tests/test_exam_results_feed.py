"""POST /api/v1/exam-results/ exactly as api.md: 201, 200 replay, 409, 400, 403, 415, 413, 422, 429."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applicants.tests.factories import ApplicantFactory
from credentials.tests.factories import DocumentFactory
from ecfmg_portal import events
from exams.models import ExamResult, UnmatchedResult
from exams.tests.factories import ExamResultFactory, sitting_for

from .conftest import auth

pytestmark = pytest.mark.django_db
URL = "/api/v1/exam-results/"


@pytest.fixture
def applicant():
    """An applicant who sat Step 1 on the days these tests report (R-EX-8)."""
    person = ApplicantFactory()
    for day in (datetime.date(2025, 1, 1), datetime.date(2025, 6, 1)):
        sitting_for(person, "STEP1", day)
    return person


def body(applicant, **overrides):
    return {
        "usmle_id": applicant.usmle_id,
        "exam": "STEP1",
        "test_date": "2025-06-01",
        "outcome": "pass",
        "score": 240,
        **overrides,
    }


def test_it_stores_a_new_result_with_201(api, feed_key, applicant):
    response = api.post(URL, body(applicant), format="json", **auth(feed_key))
    assert response.status_code == 201
    data = response.json()
    stored = ExamResult.objects.get()
    assert data == {
        "id": stored.pk,
        "usmle_id": applicant.usmle_id,
        "exam": "STEP1",
        "test_date": "2025-06-01",
        "outcome": "pass",
        "score": 240,
        "recorded_at": data["recorded_at"],
    }
    assert stored.source == ExamResult.Source.FEED


def test_a_replay_answers_200_and_stores_nothing_new(api, feed_key, applicant):
    assert api.post(URL, body(applicant), format="json", **auth(feed_key)).status_code == 201
    response = api.post(URL, body(applicant), format="json", **auth(feed_key))
    assert response.status_code == 200
    assert ExamResult.objects.count() == 1


@pytest.mark.parametrize("change", [{"outcome": "fail"}, {"score": 199}, {"score": None}])
def test_same_sitting_with_another_outcome_or_score_is_409(api, feed_key, applicant, change):
    api.post(URL, body(applicant), format="json", **auth(feed_key))
    response = api.post(URL, body(applicant, **change), format="json", **auth(feed_key))
    assert response.status_code == 409
    assert response.json()["code"] == "result_conflict"
    assert ExamResult.objects.get().outcome == "pass"


TOMORROW = object()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"usmle_id": "1234"}, "usmle_id"),  # malformed
        ({"usmle_id": "10000009"}, "usmle_id"),  # wrong check digit
        ({"usmle_id": "10000008"}, "usmle_id"),  # well formed, nobody holds it
        ({"exam": "STEP3"}, "exam"),
        ({"outcome": "passed"}, "outcome"),
        ({"test_date": "2025-13-01"}, "test_date"),
        ({"test_date": TOMORROW}, "test_date"),
        ({"score": 301}, "score"),
        ({"score": "high"}, "score"),
    ],
)
def test_invalid_bodies_are_400_with_a_message_for_the_field(api, feed_key, applicant, overrides, field):
    if overrides.get("test_date") is TOMORROW:
        # Worked out when the test runs, not when it is collected: a run that
        # crosses midnight would otherwise send today's date as "tomorrow".
        overrides = {"test_date": str(timezone.localdate() + datetime.timedelta(days=1))}
    response = api.post(URL, body(applicant, **overrides), format="json", **auth(feed_key))
    assert response.status_code == 400
    data = response.json()
    assert set(data) == {"code", "detail", "errors"}
    assert list(data["errors"]) == [field]
    assert ExamResult.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"exam": "STEP2CK"}, "no_matching_application"),  # a CK pass with no CK application
        ({"test_date": "2025-04-15"}, "no_matching_application"),  # between the two periods
        ({"test_date": "0001-01-01"}, "before_id_issued"),
        ({"score": 100}, "score_disagrees_with_outcome"),  # "pass" with 100
    ],
)
def test_a_result_that_is_no_real_sitting_is_422_with_a_code_and_waits_for_staff(
    api, feed_key, applicant, overrides, code
):
    response = api.post(URL, body(applicant, **overrides), format="json", **auth(feed_key))
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert "kept for ECFMG staff" in response.json()["detail"]
    assert ExamResult.objects.count() == 0
    assert UnmatchedResult.objects.get().reason == code


def test_a_second_pass_of_a_passed_step_is_422(api, feed_key, applicant):
    assert (
        api.post(URL, body(applicant, test_date="2025-01-01"), format="json", **auth(feed_key)).status_code
        == 201
    )
    response = api.post(URL, body(applicant), format="json", **auth(feed_key))
    assert (response.status_code, response.json()["code"]) == (422, "already_passed")
    assert ExamResult.objects.count() == 1


def test_missing_fields_are_each_named(api, feed_key):
    response = api.post(URL, {}, format="json", **auth(feed_key))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"usmle_id", "exam", "test_date", "outcome"}


def test_malformed_json_is_400(api, feed_key):
    response = api.generic("POST", URL, "{not json", content_type="application/json", **auth(feed_key))
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]


def test_a_body_that_is_not_json_is_415(api, feed_key, applicant):
    response = api.post(URL, body(applicant), **auth(feed_key))  # multipart form
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_body_over_the_limit_is_413(api, feed_key, applicant, settings):
    settings.API_MAX_BODY_BYTES = 200
    payload = json.dumps(body(applicant, padding="x" * 300))
    response = api.generic("POST", URL, payload, content_type="application/json", **auth(feed_key))
    assert response.status_code == 413
    assert "200 bytes" in response.json()["detail"]


def test_over_the_rate_limit_is_429_with_retry_after(api, feed_key, applicant, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "2/minute", "verify_page": "2/minute"},
    }
    for _ in range(2):
        assert api.post(URL, body(applicant), format="json", **auth(feed_key)).status_code in (200, 201)
    response = api.post(URL, body(applicant), format="json", **auth(feed_key))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_a_pass_announces_a_status_change_for_certification(
    api, feed_key, applicant, django_capture_on_commit_callbacks
):
    def handler(applicant_id: int, cause: str) -> None:  # pragma: no cover - only its queueing is checked
        pass

    events.subscribe_status_changed(handler)
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            response = api.post(URL, body(applicant), format="json", **auth(feed_key))
    finally:
        events._status_handlers.remove(handler)
    assert response.status_code == 201
    # Certificates re-evaluate through this announcement once the result is committed.
    assert any(
        getattr(cb, "func", None) is handler and cb.args == (applicant.pk, "exam_result.pass")
        for cb in callbacks
    )


def test_query_counts_are_fixed(api, feed_key, applicant, django_assert_num_queries):
    warm = body(applicant, test_date="2025-01-01", outcome="fail", score=180)
    api.post(URL, warm, format="json", **auth(feed_key))  # also writes last_used_at
    # A new result (the key is this process's copy): applicant, sitting lookup, then the insert and its audit entry.
    audit_lock = 1 if connection.vendor == "postgresql" else 0
    # + 3 for the applicant's e-mail notification row (savepoint, insert, release),
    # + 1 for the applicant's account (the e-mail's language),
    # + 3 for R-EX-8: the Step's results, its applications, the passing standard,
    # + 2 for the applicant's journey that names the next step in the e-mail (the applicant, then
    # its file in one statement: applicants.selectors).
    with django_assert_num_queries(18 + audit_lock):  # savepoints included
        assert api.post(URL, body(applicant), format="json", **auth(feed_key)).status_code == 201
    # A replay only reads: applicant, sitting.
    with django_assert_num_queries(2):
        assert api.post(URL, warm, format="json", **auth(feed_key)).status_code == 200


def _queries_for_a_new_result(api, feed_key, person) -> int:
    api.post(
        URL, body(person, test_date="2025-01-01", outcome="fail", score=180), format="json", **auth(feed_key)
    )
    with CaptureQueriesContext(connection) as captured:
        assert api.post(URL, body(person), format="json", **auth(feed_key)).status_code == 201
    return len(captured)


def test_the_query_count_does_not_grow_with_the_applicants_file(api, feed_key, applicant):
    """The budget above is per call: a file with more sittings, results, documents and
    ledger rows costs the same queries (the journey in the e-mail reads each table once)."""
    small = _queries_for_a_new_result(api, feed_key, applicant)
    fuller = ApplicantFactory()
    for day in (datetime.date(2025, 1, 1), datetime.date(2025, 6, 1)):
        sitting_for(fuller, "STEP1", day)
    for day in (datetime.date(2024, 3, 1), datetime.date(2024, 6, 1), datetime.date(2024, 9, 1)):
        sitting_for(fuller, "STEP2CK", day)
        ExamResultFactory(applicant=fuller, exam="STEP2CK", test_date=day, outcome="fail", score=200)
    DocumentFactory.create_batch(3, applicant=fuller)
    assert _queries_for_a_new_result(api, feed_key, fuller) == small

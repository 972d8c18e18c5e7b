"""Staff work the unmatched-results queue in the admin (R-EX-8): oldest first, matched to
an application or dismissed through the service, audited; the admin adds nothing itself."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group

from applicants.services.staff import EXAMS_CLERK, staff_groups_sync
from applicants.tests.factories import ApplicantFactory, UserFactory
from credentials.tests.school_support import verified_staff_client
from ecfmg_portal.audit.models import AuditEntry
from exams.models import ExamResult, UnmatchedResult
from exams.results import ResultUnmatched
from exams.services import exam_result_record
from exams.tests.factories import ExamApplicationFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 2)
URL = "/admin/exams/unmatchedresult/"


@pytest.fixture
def clerk():
    staff_groups_sync()
    user = UserFactory(email="exams@ecfmg.test", is_staff=True)
    user.groups.add(Group.objects.get(name=EXAMS_CLERK))
    return user


def _waiting(applicant, test_date=DAY):
    with pytest.raises(ResultUnmatched):  # refused on purpose: it must now wait in the queue
        exam_result_record(
            applicant=applicant, exam="STEP1", test_date=test_date, outcome="pass", score=230, source="feed"
        )
    return UnmatchedResult.objects.get(applicant=applicant, test_date=test_date)


def _early_id():
    return ApplicantFactory(usmle_id_issued_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))


def test_the_queue_lists_waiting_results_oldest_first(clerk):
    first = _waiting(_early_id(), DAY)
    second = _waiting(_early_id(), DAY - datetime.timedelta(days=1))
    page = verified_staff_client(clerk).get(URL + "?status__exact=open")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(f"/unmatchedresult/{first.pk}/change/") < html.index(
        f"/unmatchedresult/{second.pk}/change/"
    )


def test_staff_can_not_add_a_result_to_the_queue_by_hand(clerk):
    assert verified_staff_client(clerk).get(URL + "add/").status_code == 403


def test_matching_in_the_admin_goes_through_the_service_and_is_audited(clerk):
    applicant = _early_id()
    waiting = _waiting(applicant)
    application = ExamApplicationFactory(applicant=applicant, exam="STEP1", eligibility_start=DAY)
    response = verified_staff_client(clerk).post(
        f"{URL}{waiting.pk}/change/",
        {"decision": "match", "match_application": application.pk, "resolution_note": ""},
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == UnmatchedResult.Status.MATCHED and waiting.resolved_by == clerk
    assert ExamResult.objects.get(applicant=applicant).application == application
    assert AuditEntry.objects.filter(action="unmatched_result.matched", actor=clerk).exists()


def test_a_match_the_rule_refuses_is_shown_on_the_form_and_changes_nothing(clerk):
    applicant = _early_id()
    waiting = _waiting(applicant)
    later = ExamApplicationFactory(
        applicant=applicant, exam="STEP1", eligibility_start=DAY + datetime.timedelta(days=3)
    )
    response = verified_staff_client(clerk).post(
        f"{URL}{waiting.pk}/change/", {"decision": "match", "match_application": later.pk}
    )
    assert response.status_code == 200
    assert "No application for USMLE Step 1" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == UnmatchedResult.Status.OPEN
    assert not ExamResult.objects.exists()


def test_dismissing_needs_a_note_and_is_audited(clerk):
    waiting = _waiting(_early_id())
    client = verified_staff_client(clerk)
    refused = client.post(f"{URL}{waiting.pk}/change/", {"decision": "dismiss", "resolution_note": ""})
    assert refused.status_code == 200 and "Say why" in refused.content.decode()
    done = client.post(
        f"{URL}{waiting.pk}/change/", {"decision": "dismiss", "resolution_note": "Wrong examinee."}
    )
    assert done.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.status, waiting.resolution_note) == (UnmatchedResult.Status.DISMISSED, "Wrong examinee.")
    assert AuditEntry.objects.filter(action="unmatched_result.dismissed", actor=clerk).exists()


def test_the_result_form_in_the_admin_applies_the_same_rule(clerk):
    """The admin's "add result" goes through the service: no application, no result."""
    applicant = _early_id()
    response = verified_staff_client(clerk).post(
        "/admin/exams/examresult/add/",
        {
            "applicant": applicant.pk,
            "exam": "STEP1",
            "test_date": "2026-03-02",
            "outcome": "pass",
            "score": "230",
        },
    )
    assert response.status_code == 200
    assert "No application for USMLE Step 1" in response.content.decode()
    assert not ExamResult.objects.exists()

"""Staff see applicant notifications read-only, filter the failed ones and resend them."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applicants.models import ApplicantNotification
from applicants.notifications.services import applicant_notify
from applicants.tests.factories import ApplicantFactory, UserFactory
from credentials.tests.school_support import staff_user, verified_staff_client
from ecfmg_portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/applicants/applicantnotification/"
Status = ApplicantNotification.Status


def _notification(key: str, status: str) -> ApplicantNotification:
    notification = applicant_notify(
        applicant=ApplicantFactory(),
        key=key,
        template="exam_result_recorded",
        context={"exam": "USMLE Step 1", "test_date": datetime.date(2025, 3, 3)},
    )
    ApplicantNotification.objects.filter(pk=notification.pk).update(
        status=status, last_error="SMTPRecipientsRefused"
    )
    return notification


def test_the_failed_filter_lists_failed_rows_in_fixed_queries():
    client = verified_staff_client(staff_user())
    _notification("exam_result:1", Status.FAILED)
    _notification("exam_result:2", Status.SENT)

    def listing() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(CHANGELIST, {"status__exact": "failed"})
        assert response.status_code == 200
        return len(captured), response.content.decode()

    few, page = listing()
    assert "exam_result:1" in page and "exam_result:2" not in page
    for number in range(3, 23):
        _notification(f"exam_result:{number}", Status.FAILED)
    many, page = listing()
    assert "exam_result:22" in page
    assert many == few


def test_resending_queues_the_failed_rows_only_and_records_who(django_capture_on_commit_callbacks):
    reviewer = staff_user()
    client = verified_staff_client(reviewer)
    failed = _notification("exam_result:1", Status.FAILED)
    sent = _notification("exam_result:2", Status.SENT)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST, {"action": "resend_failed", "_selected_action": [failed.pk, sent.pk]}, follow=True
        )
    assert "1 notification(s) queued again." in response.content.decode()
    assert [m.to for m in mail.outbox] == [[failed.applicant.user.email]]
    failed.refresh_from_db()
    assert (failed.status, failed.last_error) == (Status.SENT, "")
    assert AuditEntry.objects.filter(
        action="applicant_notification.resent", object_id=str(failed.pk), actor=reviewer
    ).exists()
    assert not AuditEntry.objects.filter(
        action="applicant_notification.resent", object_id=str(sent.pk)
    ).exists()


def test_staff_who_may_only_view_cannot_resend_nor_edit():
    viewer = UserFactory(email="viewer@ecfmg.test", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_applicantnotification"))
    client = verified_staff_client(viewer)
    failed = _notification("exam_result:1", Status.FAILED)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert "resend_failed" not in page.content.decode()
    client.post(CHANGELIST, {"action": "resend_failed", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert failed.status == Status.FAILED
    assert client.post(f"{CHANGELIST}{failed.pk}/change/", {"subject": "x"}).status_code == 403
    assert client.get(f"{CHANGELIST}add/").status_code == 403

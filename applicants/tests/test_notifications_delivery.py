"""An applicant notification is sent once: claimed by a conditional UPDATE, retried only when transient."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from applicants.models import ApplicantNotification
from applicants.notifications.delivery import (
    SENDING_STALE_AFTER,
    Delivery,
    TransientEmailError,
    applicant_notification_deliver,
)
from applicants.notifications.services import applicant_notify
from applicants.notifications.tasks import (
    MAX_TRANSIENT_RETRIES,
    applicant_notifications_requeue,
    send_applicant_notification,
)
from applicants.tests.factories import ApplicantFactory
from credentials.tests.school_support import ExplodingBackend
from ecfmg_portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
Status = ApplicantNotification.Status


def _notification(key: str = "exam_result:1") -> ApplicantNotification:
    # Queued on commit; the test transaction never commits, so nothing is sent yet.
    return applicant_notify(
        applicant=ApplicantFactory(),
        key=key,
        template="exam_result_recorded",
        context={"exam": "USMLE Step 1", "test_date": datetime.date(2025, 3, 3)},
    )


@pytest.fixture
def notification() -> ApplicantNotification:
    return _notification()


def test_notifying_the_same_key_twice_keeps_one_row(notification, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        again = applicant_notify(
            applicant=notification.applicant,
            key=notification.key,
            template="exam_result_recorded",
            context={"exam": "USMLE Step 2 CK", "test_date": datetime.date(2025, 4, 4)},
        )
    assert again.pk == notification.pk
    assert queued == []
    assert ApplicantNotification.objects.count() == 1
    assert "Step 1" in again.subject  # the first row stands as written


def test_running_the_task_twice_sends_once(notification):
    send_applicant_notification.delay(notification.pk)
    # Broker redelivery or a duplicate queueing: nothing left to claim.
    assert send_applicant_notification.delay(notification.pk).get() == Delivery.NOTHING_TO_DO.value
    [message] = mail.outbox
    assert message.to == [notification.applicant.user.email]
    assert message.extra_headers["Message-ID"].startswith(f"<applicant-notification-{notification.pk}@")
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.SENT, 1)
    assert notification.sent_at is not None


def test_delivery_uses_three_queries(notification, django_assert_num_queries):
    # claim, the row with the account's address, the "sent" mark
    with django_assert_num_queries(3):
        assert applicant_notification_deliver(notification_id=notification.pk).outcome is Delivery.SENT
    with django_assert_num_queries(2):  # a second delivery: the failed claim and a look at the row
        applicant_notification_deliver(notification_id=notification.pk)


def test_a_fresh_claim_by_another_worker_is_left_alone(notification):
    ApplicantNotification.objects.filter(pk=notification.pk).update(
        status="sending", claimed_at=timezone.now()
    )
    result = applicant_notification_deliver(notification_id=notification.pk)
    assert result.outcome is Delivery.BUSY
    assert result.retry_in is not None and result.retry_in > 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("gone"),
        ConnectionRefusedError("refused"),
        TimeoutError("slow"),
        smtplib.SMTPResponseException(451, b"try again later"),
    ],
    ids=["disconnected", "refused", "timeout", "smtp-4xx"],
)
def test_a_transient_error_puts_it_back_for_a_retry(notification, settings, error):
    settings.EMAIL_BACKEND = "credentials.tests.school_support.ExplodingBackend"
    ExplodingBackend.error = error
    with pytest.raises(TransientEmailError):
        applicant_notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == Status.PENDING
    assert notification.last_error.startswith(error.__class__.__name__)


def test_the_task_retries_transient_errors_with_growing_delays_then_sends(
    notification, settings, monkeypatch
):
    settings.EMAIL_BACKEND = "credentials.tests.school_support.ExplodingBackend"
    ExplodingBackend.error = smtplib.SMTPServerDisconnected("gone")
    countdowns: list[float] = []

    def record_retry(*args, countdown=None, **kwargs):
        countdowns.append(countdown)
        raise RuntimeError("retry requested")

    monkeypatch.setattr(send_applicant_notification, "retry", record_retry)
    for retries in (0, 1, 2):
        send_applicant_notification.push_request(retries=retries)
        try:
            with pytest.raises(RuntimeError):
                send_applicant_notification.run(notification.pk)
        finally:
            send_applicant_notification.pop_request()
    assert countdowns == [30, 60, 120]
    # The mail server is back: the next retry sends it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_applicant_notification.run(notification.pk) == Delivery.SENT.value
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, len(mail.outbox)) == (Status.SENT, 4, 1)


def test_the_task_gives_up_after_the_last_retry_and_records_the_failure(notification, settings):
    settings.EMAIL_BACKEND = "credentials.tests.school_support.ExplodingBackend"
    ExplodingBackend.error = TimeoutError("slow")
    send_applicant_notification.push_request(retries=MAX_TRANSIENT_RETRIES)
    try:
        assert send_applicant_notification.run(notification.pk) == Delivery.FAILED.value
    finally:
        send_applicant_notification.pop_request()
    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert notification.last_error.startswith("gave up")


def test_a_permanent_error_is_recorded_as_failed_and_not_retried(notification, settings):
    settings.EMAIL_BACKEND = "credentials.tests.school_support.ExplodingBackend"
    address = notification.applicant.user.email
    ExplodingBackend.error = smtplib.SMTPRecipientsRefused({address: (550, b"no such user")})
    assert send_applicant_notification.delay(notification.pk).get() == Delivery.FAILED.value
    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert address not in notification.last_error  # class and code only, no address
    assert AuditEntry.objects.filter(
        action="applicant_notification.failed", object_id=str(notification.pk)
    ).exists()
    assert applicant_notification_deliver(notification_id=notification.pk).outcome is Delivery.NOTHING_TO_DO


def test_the_beat_job_requeues_a_row_stuck_in_sending(django_capture_on_commit_callbacks):
    now = timezone.now()
    stuck = _notification("exam_result:1")  # its worker died mid-send
    ApplicantNotification.objects.filter(pk=stuck.pk).update(
        status="sending", claimed_at=now - SENDING_STALE_AFTER - datetime.timedelta(seconds=1), attempts=1
    )
    lost = _notification("exam_result:2")  # the broker lost its task
    ApplicantNotification.objects.filter(pk=lost.pk).update(created_at=now - datetime.timedelta(hours=1))
    busy = _notification("exam_result:3")  # a live worker holds it
    ApplicantNotification.objects.filter(pk=busy.pk).update(status="sending", claimed_at=now)
    fresh = _notification("exam_result:4")  # just written, its own task is coming
    with django_capture_on_commit_callbacks(execute=True):
        assert applicant_notifications_requeue() == 2
    statuses = dict(ApplicantNotification.objects.values_list("key", "status"))
    assert statuses == {
        stuck.key: Status.SENT,
        lost.key: Status.SENT,
        busy.key: Status.SENDING,
        fresh.key: Status.PENDING,
    }
    assert len(mail.outbox) == 2
    stuck.refresh_from_db()
    assert stuck.attempts == 2

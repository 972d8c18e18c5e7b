"""Each outbox e-mail is sent once: claimed by a conditional UPDATE, retried only when transient."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from credentials.models import VerificationEmail
from credentials.services.school_verification import school_verification_request
from credentials.services.verification_emails import (
    Delivery,
    TransientEmailError,
    verification_email_deliver,
    verification_emails_stuck,
)
from credentials.tasks import (
    MAX_TRANSIENT_RETRIES,
    send_verification_email,
    verification_emails_requeue_stuck,
)
from credentials.tests.school_support import ExplodingBackend, diploma_for, staff_user
from ecfmg_portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def email() -> VerificationEmail:
    # Queued on commit; the test transaction never commits, so nothing is sent yet.
    verification = school_verification_request(document=diploma_for(), actor=staff_user())
    return VerificationEmail.objects.get(request=verification, step="request")


def test_delivering_the_same_email_twice_sends_it_once(email):
    assert verification_email_deliver(email_id=email.pk).outcome is Delivery.SENT
    # The task delivered again (broker redelivery, duplicate queueing): nothing to claim.
    assert verification_email_deliver(email_id=email.pk).outcome is Delivery.NOTHING_TO_DO
    send_verification_email.delay(email.pk)
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (VerificationEmail.Status.SENT, 1)


def test_a_fresh_claim_by_another_worker_is_left_alone_and_retried_later(email):
    VerificationEmail.objects.filter(pk=email.pk).update(status="sending", claimed_at=timezone.now())
    result = verification_email_deliver(email_id=email.pk)
    assert result.outcome is Delivery.BUSY
    assert result.retry_in is not None and result.retry_in > 0
    assert mail.outbox == []


def test_a_stale_claim_of_a_dead_worker_is_taken_over(email, settings):
    stale = timezone.now() - datetime.timedelta(
        seconds=settings.SCHOOL_VERIFICATION_SENDING_STALE_SECONDS + 1
    )
    VerificationEmail.objects.filter(pk=email.pk).update(status="sending", claimed_at=stale, attempts=1)
    assert email.pk in verification_emails_stuck()
    assert verification_email_deliver(email_id=email.pk).outcome is Delivery.SENT
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 2


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
def test_a_transient_error_puts_the_email_back_and_asks_for_a_retry(email, settings, error):
    settings.EMAIL_BACKEND = "credentials.tests.school_support.ExplodingBackend"
    ExplodingBackend.error = error
    with pytest.raises(TransientEmailError):
        verification_email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == VerificationEmail.Status.PENDING
    assert email.last_error.startswith(error.__class__.__name__)


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"registrar@school.example": (550, b"no such user")}),
        smtplib.SMTPSenderRefused(553, b"sender refused", "no-reply@ecfmg.test"),
    ],
    ids=["recipient-refused", "sender-refused"],
)
def test_a_permanent_error_is_recorded_for_staff_and_not_retried(email, settings, error):
    settings.EMAIL_BACKEND = "credentials.tests.school_support.ExplodingBackend"
    ExplodingBackend.error = error
    assert verification_email_deliver(email_id=email.pk).outcome is Delivery.FAILED
    email.refresh_from_db()
    assert email.status == VerificationEmail.Status.FAILED
    assert "registrar@" not in email.last_error  # class and code only, no address
    assert AuditEntry.objects.filter(action="verification_email.failed", object_id=str(email.pk)).exists()
    # A later delivery does not try again: staff decide (resend, change the contact).
    assert verification_email_deliver(email_id=email.pk).outcome is Delivery.NOTHING_TO_DO


def test_the_task_retries_transient_errors_with_growing_delays(email, settings, monkeypatch):
    settings.EMAIL_BACKEND = "credentials.tests.school_support.ExplodingBackend"
    ExplodingBackend.error = smtplib.SMTPServerDisconnected("gone")
    countdowns: list[float] = []

    def record_retry(*args, countdown=None, **kwargs):
        countdowns.append(countdown)
        raise RuntimeError("retry requested")

    monkeypatch.setattr(send_verification_email, "retry", record_retry)
    for retries in (0, 1, 2):
        send_verification_email.push_request(retries=retries)
        try:
            with pytest.raises(RuntimeError):
                send_verification_email.run(email.pk)
        finally:
            send_verification_email.pop_request()
    assert countdowns == [30, 60, 120]


def test_the_task_gives_up_after_the_last_retry_and_records_the_failure(email, settings):
    settings.EMAIL_BACKEND = "credentials.tests.school_support.ExplodingBackend"
    ExplodingBackend.error = TimeoutError("slow")
    send_verification_email.push_request(retries=MAX_TRANSIENT_RETRIES)
    try:
        assert send_verification_email.run(email.pk) == "failed"
    finally:
        send_verification_email.pop_request()
    email.refresh_from_db()
    assert email.status == VerificationEmail.Status.FAILED
    assert email.last_error.startswith("gave up")


def test_the_safety_net_requeues_an_email_whose_task_was_lost(email, django_capture_on_commit_callbacks):
    # The broker was down when the request committed: the row is pending and nobody will send it.
    VerificationEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    fresh = VerificationEmail.objects.exclude(pk=email.pk).get()  # the applicant's, just written
    with django_capture_on_commit_callbacks(execute=True):
        assert verification_emails_requeue_stuck() == 1
    email.refresh_from_db()
    fresh.refresh_from_db()
    assert email.status == VerificationEmail.Status.SENT
    assert fresh.status == VerificationEmail.Status.PENDING  # still in the hands of its own task
    assert [m.to for m in mail.outbox] == [[email.to_address]]

"""Issue 11, section 7: work interrupted is resumed, not abandoned or duplicated."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone

from credentials.models import VerificationEmail
from credentials.services import verification_emails
from credentials.services.school_verification import school_verification_request
from credentials.services.verification_emails import Delivery, verification_email_deliver
from credentials.tests.school_support import diploma_for, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_sent_log():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def email() -> VerificationEmail:
    verification = school_verification_request(document=diploma_for(), actor=staff_user())
    return VerificationEmail.objects.get(request=verification, step="request")


def _make_claim_stale(email: VerificationEmail) -> None:
    stale = timezone.now() - datetime.timedelta(
        seconds=settings.SCHOOL_VERIFICATION_SENDING_STALE_SECONDS + 1
    )
    VerificationEmail.objects.filter(pk=email.pk).update(claimed_at=stale)


def test_the_broker_redelivers_a_dead_workers_task_soon_after_the_longest_task_could_run():
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_TIME_LIMIT < timeout <= settings.CELERY_TASK_TIME_LIMIT + 120


def test_a_school_email_whose_sent_record_was_lost_is_not_sent_again(email, monkeypatch):
    # The SMTP server accepted the message, then the database connection dropped
    # before "sent" could be written: the task fails and is retried later.
    real_record = verification_emails._record_sent
    calls = {"n": 0}

    def connection_lost_once(email_id: int) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("server closed the connection unexpectedly")
        real_record(email_id)

    monkeypatch.setattr(verification_emails, "_record_sent", connection_lost_once)
    with pytest.raises(OperationalError):
        verification_email_deliver(email_id=email.pk)
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == VerificationEmail.Status.SENDING  # what the database still says

    _make_claim_stale(email)  # the retry comes after the claim went stale
    assert verification_email_deliver(email_id=email.pk).outcome is Delivery.SENT
    assert len(mail.outbox) == 1  # the school got it once
    email.refresh_from_db()
    assert email.status == VerificationEmail.Status.SENT


def test_a_dropped_connection_while_recording_the_send_is_retried_on_a_fresh_one(email, monkeypatch):
    from django.db.models import QuerySet

    real_update = QuerySet.update
    failures = {"left": 1}

    def drops_once(self, **kwargs):
        if (
            self.model is VerificationEmail
            and kwargs.get("status") == VerificationEmail.Status.SENT
            and failures["left"]
        ):
            failures["left"] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", drops_once)
    # As in the worker, outside any transaction; closing is a no-op here to keep the test's one.
    monkeypatch.setattr(
        verification_emails, "connection", SimpleNamespace(in_atomic_block=False, close=lambda: None)
    )
    monkeypatch.setattr(verification_emails.time, "sleep", lambda seconds: None)
    assert verification_email_deliver(email_id=email.pk).outcome is Delivery.SENT
    email.refresh_from_db()
    assert email.status == VerificationEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_without_the_sent_log_a_stale_claim_is_sent_again_so_the_log_is_what_holds_it(email, monkeypatch):
    # The control case: the guarantee above comes from the sent log, not from luck.
    monkeypatch.setattr(verification_emails, "sent_log_add", lambda email: None)
    monkeypatch.setattr(
        verification_emails, "_record_sent", lambda email_id: (_ for _ in ()).throw(OperationalError("gone"))
    )
    with pytest.raises(OperationalError):
        verification_email_deliver(email_id=email.pk)
    _make_claim_stale(email)
    with pytest.raises(OperationalError):
        verification_email_deliver(email_id=email.pk)
    assert len(mail.outbox) == 2

"""The applicant is e-mailed once when the certificate is issued (after the PDF is
ready), never twice, whatever the retries."""

from __future__ import annotations

import pytest
from celery.exceptions import Retry
from django.core import mail

from certificates.models import Certificate
from certificates.services import certificate_issue_if_eligible, certificate_send_issued_email
from certificates.tests.factories import applicant_with

pytestmark = pytest.mark.django_db


def test_it_emails_the_applicant_once(fake_pdf, mailoutbox, django_capture_on_commit_callbacks):
    applicant = applicant_with(given_names="Zoë", last_name="Ångström")
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue_if_eligible(applicant_id=applicant.pk)
    assert certificate is not None
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [applicant.user.email]
    assert "Standard ECFMG Certificate" in message.subject
    assert "Dear Zoë Ångström," in message.body
    assert certificate.number in message.body
    assert "/certificates/" in message.body
    # A retried or duplicated task finds the claim and sends nothing.
    assert certificate_send_issued_email(certificate_id=certificate.pk) is False
    assert len(mailoutbox) == 1


def test_a_failed_send_gives_the_claim_back_for_the_retry(
    fake_pdf, monkeypatch, django_capture_on_commit_callbacks
):
    applicant = applicant_with()
    monkeypatch.setattr("certificates.services.EmailMessage.send", _refuse)
    # A transient error: the task schedules a retry (raised eagerly here).
    with pytest.raises(Retry), django_capture_on_commit_callbacks(execute=True):
        certificate_issue_if_eligible(applicant_id=applicant.pk)
    certificate = Certificate.objects.get(applicant=applicant)
    assert certificate.email_sent_at is None
    monkeypatch.undo()
    assert certificate_send_issued_email(certificate_id=certificate.pk) is True
    assert len(mail.outbox) == 1


def _refuse(*args, **kwargs):
    raise ConnectionRefusedError("smtp down")

"""Work a killed worker or a lost message left half-done is resumed on beat, never
done twice (issue 11 section 7): a certificate without its PDF, an issued e-mail
claimed but not sent."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import (
    certificate_issue_if_eligible,
    certificate_render_pdf,
    certificate_send_issued_email,
    issued_email_claim_stale_after,
    issued_email_message_id,
)
from certificates.tasks import resume_certificates_without_pdf, resume_issued_emails
from certificates.tests.factories import applicant_with

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(minutes=30)  # longer than the task time limit plus its margin


def _issued_without_pdf(django_capture_on_commit_callbacks) -> Certificate:
    """Issued, but the render task was lost with its worker (never executed)."""
    with django_capture_on_commit_callbacks(execute=False):
        certificate = certificate_issue_if_eligible(applicant_id=applicant_with().pk)
    assert certificate is not None and certificate.pdf_rendered_at is None
    return certificate


def _rendered_email_claimed_by_a_dead_worker(django_capture_on_commit_callbacks) -> Certificate:
    certificate = _issued_without_pdf(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):  # the e-mail task is lost too
        certificate_render_pdf(certificate_id=certificate.pk)
    # The worker's claim (the conditional UPDATE) went through; then it was killed.
    Certificate.objects.filter(pk=certificate.pk).update(email_claimed_at=timezone.now())
    return certificate


def test_a_certificate_without_a_pdf_is_rendered_by_the_sweep_exactly_once_even_when_the_sweep_runs_twice(
    fake_pdf, time_machine, django_capture_on_commit_callbacks
):
    certificate = _issued_without_pdf(django_capture_on_commit_callbacks)
    time_machine.move_to(timezone.now() + LATER)
    # Two sweeps queue before either render runs (overlapping beats, a duplicate delivery).
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert resume_certificates_without_pdf.apply().get() == 1
        assert resume_certificates_without_pdf.apply().get() == 1
    assert len(queued) == 2
    with django_capture_on_commit_callbacks(execute=False):
        for render in queued:
            render()
    certificate.refresh_from_db()
    assert certificate.pdf_rendered_at is not None
    assert len(fake_pdf) == 1
    # Once rendered, a later sweep finds nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_certificates_without_pdf.apply().get() == 0
    assert len(fake_pdf) == 1


def test_a_render_in_flight_is_left_alone_by_the_sweep(fake_pdf, django_capture_on_commit_callbacks):
    _issued_without_pdf(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert resume_certificates_without_pdf.apply().get() == 0
    assert queued == []
    assert fake_pdf == []


def test_a_claimed_but_unsent_email_older_than_the_limit_is_sent_once_by_the_sweep(
    fake_pdf, mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    certificate = _rendered_email_claimed_by_a_dead_worker(django_capture_on_commit_callbacks)
    # While the claim is younger than the task time limit, it may still be sending.
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_issued_emails.apply().get() == 0
    assert certificate_send_issued_email(certificate_id=certificate.pk) is False
    assert mailoutbox == []

    time_machine.move_to(timezone.now() + issued_email_claim_stale_after() + datetime.timedelta(seconds=1))
    # Two overlapping beats queue it twice: the first send claims, the second finds the claim.
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_issued_emails.apply().get() == 1
        assert resume_issued_emails.apply().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_issued_emails.apply().get() == 0  # the next beat finds it sent
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [certificate.applicant.user.email]
    assert mailoutbox[0].extra_headers["Message-ID"] == issued_email_message_id(certificate)
    certificate.refresh_from_db()
    assert certificate.email_sent_at is not None


def test_an_issued_email_whose_task_was_lost_is_sent_once_by_the_sweep(
    fake_pdf, mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    certificate = _issued_without_pdf(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        certificate_render_pdf(certificate_id=certificate.pk)
    time_machine.move_to(timezone.now() + LATER)
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_issued_emails.apply().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_issued_emails.apply().get() == 0
    assert len(mailoutbox) == 1


def test_a_sent_issued_email_is_never_resent(
    fake_pdf, mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue_if_eligible(applicant_id=applicant_with().pk)
    assert certificate is not None
    assert len(mailoutbox) == 1
    time_machine.move_to(timezone.now() + LATER)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert resume_issued_emails.apply().get() == 0
    assert queued == []
    assert certificate_send_issued_email(certificate_id=certificate.pk) is False
    assert len(mailoutbox) == 1


def test_a_revoked_certificate_is_not_emailed_by_the_sweep(
    fake_pdf, mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    certificate = _rendered_email_claimed_by_a_dead_worker(django_capture_on_commit_callbacks)
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.REVOKED, revoked_on=timezone.localdate()
    )
    time_machine.move_to(timezone.now() + LATER)
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_issued_emails.apply().get() == 0
    assert mailoutbox == []

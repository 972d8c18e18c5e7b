"""Celery tasks of the certificates app: thin, take ids, call services.

Every task is safe to run twice (duplicate delivery, retry): the services check
the current state first. Tasks call services; services queue tasks by name
through ``jobs`` and never import this module, so there is no import circle.
"""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.db import OperationalError

from . import jobs, resume, services

# Applicants assessed per sweep batch: the facts loader's query count grows per batch.
SWEEP_BATCH_SIZE = 500


@shared_task(
    base=DjangoTask,
    acks_late=True,
    # The service retries SQLite's "database is locked" itself; if it still is, or the
    # database is briefly away, the task is retried later rather than lost.
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def evaluate_certification(applicant_id: int) -> int | None:
    """Issue the certificate if the applicant now meets every requirement; returns its id."""
    certificate = services.certificate_issue_if_eligible(applicant_id=applicant_id)
    return certificate.pk if certificate is not None else None


@shared_task(base=DjangoTask, acks_late=True)
def sweep_certification() -> int:
    """Periodic (beat): catch any applicant whose trigger was lost."""
    return services.certificates_sweep(batch_size=SWEEP_BATCH_SIZE)


@shared_task(base=DjangoTask, acks_late=True)
def resume_certificates_without_pdf() -> int:
    """Periodic (beat): re-queue the render of certificates a dead worker left without a PDF."""
    return resume.certificates_without_pdf_resume()


@shared_task(base=DjangoTask, acks_late=True)
def resume_issued_emails() -> int:
    """Periodic (beat): re-queue certificate-issued e-mails claimed by a dead worker, or lost."""
    return resume.issued_emails_resume()


@shared_task(
    name=jobs.RENDER_PDF,
    base=DjangoTask,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def render_certificate_pdf(certificate_id: int, force: bool = False) -> None:
    """Render and store the PDF; skipped when already rendered unless ``force``."""
    services.certificate_render_pdf(certificate_id=certificate_id, force=force)


@shared_task(
    name=jobs.SEND_ISSUED_EMAIL,
    base=DjangoTask,
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=8,
)
def send_certificate_issued_email(certificate_id: int) -> bool:
    return services.certificate_send_issued_email(certificate_id=certificate_id)


def on_applicant_status_changed(applicant_id: int, cause: str) -> None:
    """Subscribed to ``applicant_status_changed`` (runs on commit): re-evaluate in the
    worker. This app's own announcements are skipped, so issuing never loops."""
    if cause in services.OWN_CAUSES:
        return
    evaluate_certification.delay(applicant_id)

"""Work on a certificate that a killed worker or a lost message left half-done,
found on beat and queued again (issue 11 section 7, docs/operations.md).

Both kinds are re-queued to idempotent tasks, so a sweep that runs twice, or runs
while the original task is still going, does no work twice:

- a certificate issued without a rendered PDF: the render task keeps the first stored
  rendering. Only certificates issued longer ago than the task time limit (plus a
  margin) are taken, so a render still in flight is not duplicated;
- the "your certificate is issued" e-mail, rendered but unsent, whose claim is older
  than the task time limit (its worker died) or that was never claimed (the message to
  the worker was lost): the send task takes the stale claim with a conditional UPDATE.

Like ``services`` this module queues tasks by name through ``jobs``, never importing
``tasks``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from . import jobs
from .models import Certificate
from .services import issued_email_claim_stale_after

# Certificates queued per sweep: a backlog is worked off over several beats, never all at once.
RESUME_BATCH_SIZE = 200


def render_in_flight_for() -> datetime.timedelta:
    """How long a certificate may wait for its first PDF before it counts as abandoned."""
    return datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def certificates_without_pdf_resume(*, batch_size: int = RESUME_BATCH_SIZE) -> int:
    """Queue the render of every certificate issued (longer ago than a render takes)
    without a PDF; returns how many were queued."""
    abandoned_before = timezone.now() - render_in_flight_for()
    ids = list(
        Certificate.objects.filter(pdf_rendered_at__isnull=True, created_at__lt=abandoned_before)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    for certificate_id in ids:
        jobs.queue_on_commit(jobs.RENDER_PDF, certificate_id)
    return len(ids)


def issued_emails_resume(*, batch_size: int = RESUME_BATCH_SIZE) -> int:
    """Queue the certificate-issued e-mail wherever it was claimed by a worker that
    died, or never claimed although the PDF has long been ready; returns how many."""
    stale_before = timezone.now() - issued_email_claim_stale_after()
    unsent = Certificate.objects.filter(
        email_sent_at__isnull=True, status=Certificate.Status.VALID, pdf_rendered_at__isnull=False
    )
    abandoned = Q(email_claimed_at__lt=stale_before) | Q(
        email_claimed_at__isnull=True, pdf_rendered_at__lt=stale_before
    )
    ids = list(unsent.filter(abandoned).order_by("pk").values_list("pk", flat=True)[:batch_size])
    for certificate_id in ids:
        jobs.queue_on_commit(jobs.SEND_ISSUED_EMAIL, certificate_id)
    return len(ids)

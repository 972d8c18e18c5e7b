"""Delivering applicant notifications, each at most once (the school-verification outbox pattern).

Delivering one row:

1. claim it with a conditional UPDATE (pending -> sending; or a "sending" row whose
   claim is older than ``SENDING_STALE_AFTER``: its worker died);
2. hand the subject and body rendered at creation to the mail backend;
3. mark it sent.

A second delivery of the same row finds nothing to claim and does nothing. As in
``credentials.services.verification_emails`` (whose error classification this
module imports rather than copies), the one window left is a crash between the SMTP
server accepting the message and step 3: the stale claim is then taken again. The
fixed Message-ID lets a receiving server drop that duplicate.

This module does not queue tasks (``applicants.notifications.tasks`` imports it).
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from applicants.notifications.models import ApplicantNotification
from applicants.payments.receipts import receipt_filename, receipt_pdf
from credentials.services.verification_emails import (
    Delivery,
    DeliveryResult,
    TransientEmailError,
)
from credentials.services.verification_emails import (
    _describe as describe_error,
)
from credentials.services.verification_emails import (
    _is_transient as is_transient_error,
)
from ecfmg_portal.audit.services import audit_record

logger = logging.getLogger(__name__)

Status = ApplicantNotification.Status
# A "sending" row claimed longer ago than this belongs to a worker that died (the task
# time limit is 5 minutes), and a pending row this old was probably never queued.
SENDING_STALE_AFTER = datetime.timedelta(minutes=10)
PENDING_REQUEUE_AFTER = datetime.timedelta(minutes=10)

__all__ = [
    "Delivery",
    "DeliveryResult",
    "TransientEmailError",
    "applicant_notification_deliver",
    "applicant_notification_fail",
    "applicant_notifications_stuck",
]


def _message(notification: ApplicantNotification) -> EmailMessage:
    message = EmailMessage(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        # The account's address now: an applicant who changed it gets the e-mail there.
        to=[notification.applicant.user.email],
        # The same Message-ID on every attempt lets a receiving server drop a duplicate.
        headers={
            "Message-ID": f"<applicant-notification-{notification.pk}@{urlsplit(settings.SITE_URL).hostname}>"
        },
    )
    entry = notification.receipt_entry
    if entry is not None:
        # Rendered at send time from the immutable entry: every attempt attaches the same receipt.
        entry.applicant = notification.applicant
        message.attach(receipt_filename(entry), receipt_pdf(entry), "application/pdf")
    return message


def applicant_notification_deliver(*, notification_id: int) -> DeliveryResult:
    """Send one notification at most once (see the module docstring for the one window).

    Three queries when it sends: the claim, the row with its address (and its receipt
    entry), the "sent" mark; a receipt adds one (its balance after).
    """
    now = timezone.now()
    stale_before = now - SENDING_STALE_AFTER
    claimable = Q(status=Status.PENDING) | Q(status=Status.SENDING, claimed_at__lt=stale_before)
    claimed = (
        ApplicantNotification.objects.filter(claimable, pk=notification_id).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        == 1
    )
    if not claimed:
        row = ApplicantNotification.objects.filter(pk=notification_id).values("status", "claimed_at").first()
        if row and row["status"] == Status.SENDING and row["claimed_at"]:
            wait = (row["claimed_at"] - stale_before).total_seconds()
            return DeliveryResult(Delivery.BUSY, retry_in=max(wait, 0.0) + 1.0)
        return DeliveryResult(Delivery.NOTHING_TO_DO)
    notification = ApplicantNotification.objects.select_related("applicant__user", "receipt_entry").get(
        pk=notification_id
    )
    try:
        _message(notification).send()
    except (smtplib.SMTPException, ConnectionError, TimeoutError) as exc:
        if is_transient_error(exc):
            ApplicantNotification.objects.filter(pk=notification_id, status=Status.SENDING).update(
                status=Status.PENDING, last_error=describe_error(exc)
            )
            logger.warning(
                "applicant notification %s: transient error %s", notification_id, describe_error(exc)
            )
            raise TransientEmailError(describe_error(exc)) from exc
        applicant_notification_fail(notification_id=notification_id, error=describe_error(exc))
        return DeliveryResult(Delivery.FAILED)
    ApplicantNotification.objects.filter(pk=notification_id).update(
        status=Status.SENT, sent_at=timezone.now(), last_error=""
    )
    logger.info("applicant notification %s sent", notification_id)
    return DeliveryResult(Delivery.SENT)


def applicant_notification_fail(*, notification_id: int, error: str) -> None:
    """Record a permanent failure; staff see it in the admin and can resend it."""
    with transaction.atomic():
        updated = ApplicantNotification.objects.filter(
            pk=notification_id, status__in=[Status.PENDING, Status.SENDING]
        ).update(status=Status.FAILED, last_error=error[:300])
        if updated:
            notification = ApplicantNotification.objects.get(pk=notification_id)
            audit_record(
                action="applicant_notification.failed",
                obj=notification,
                before={"status": Status.SENDING},
                after={"status": Status.FAILED, "key": notification.key, "error": notification.last_error},
            )
    logger.warning("applicant notification %s failed permanently: %s", notification_id, error)


def applicant_notifications_stuck(*, now: datetime.datetime | None = None) -> list[int]:
    """Rows whose delivery was lost: pending and never picked up, or claimed by a dead worker."""
    now = now or timezone.now()
    pending_before = now - PENDING_REQUEUE_AFTER
    return list(
        ApplicantNotification.objects.filter(
            Q(status=Status.PENDING, created_at__lt=pending_before)
            & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=pending_before))
            | Q(status=Status.SENDING, claimed_at__lt=now - SENDING_STALE_AFTER)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )

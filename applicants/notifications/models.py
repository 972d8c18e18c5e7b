"""E-mails to the applicant about changes to their file, part of the ``applicants`` app
(imported by ``applicants.models`` so that its migrations carry them)."""

from __future__ import annotations

from django.db import models


class ApplicantNotification(models.Model):
    """One e-mail telling the applicant that something in their file changed.

    ``key`` names the change (``document:<id>:verified``, ``exam_result:<id>``,
    ``payment:<ledger id>``, ``identity_change:<id>:approved``); its unique
    constraint is what makes each change e-mail at most one row, whoever calls
    ``applicant_notify`` and however often. Subject and body are rendered when the
    row is written, so what is sent is what the change was, not what the file
    says later. Personal data: the body may hold the applicant's own name.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    applicant = models.ForeignKey(
        "applicants.Applicant", on_delete=models.PROTECT, related_name="notifications"
    )
    key = models.CharField(max_length=100)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Class and SMTP code of the last error only (SMTP replies can echo the address).
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # A payment or refund: its receipt (``applicants.payments.receipts``) is attached when sent.
    receipt_entry = models.ForeignKey(
        "applicants.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When a worker last claimed it: a "sending" row with an old claim belongs to a dead worker.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "applicants"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key"], name="applicant_notification_once"),
        ]
        indexes = [models.Index(fields=["status", "claimed_at"], name="applicant_notif_status")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"

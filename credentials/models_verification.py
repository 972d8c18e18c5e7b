"""Primary-source verification with the school (R-ED-8): requests, answers, outbound e-mail.

A ``SchoolVerificationRequest`` asks the school's verification contact to confirm
one diploma. The school answers through a link; the link's token is derived from
``link_nonce`` with the server's secret key and only its SHA-256 is stored
(``token_hash``): a database copy alone cannot answer for a school, and a guessed
token matches nothing. ``VerificationEmail`` is the outbox: one row per
(request, step), unique, so no step is ever e-mailed twice.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SchoolVerificationRequest(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", "Sent for verification"
        ANSWERED = "answered", "Answered by the school, awaiting staff review"
        ACCEPTED = "accepted", "Verified"
        REJECTED = "rejected", "Not verified"
        CANCELLED = "cancelled", "Cancelled"

    class Answer(models.TextChoices):
        # Lazy: the school's answer page shows them in its language and in English.
        AUTHENTIC = "authentic", _("Authentic: the school issued this diploma")
        NOT_AUTHENTIC = "not_authentic", _("Not authentic: the school did not issue this diploma")
        CANNOT_DETERMINE = "cannot_determine", _("Cannot determine")

    OPEN_STATES: ClassVar[tuple[str, ...]] = (Status.SENT, Status.ANSWERED)

    applicant = models.ForeignKey(
        "applicants.Applicant", on_delete=models.PROTECT, related_name="school_verifications"
    )
    diploma = models.ForeignKey(
        "credentials.Document", on_delete=models.PROTECT, related_name="school_verifications"
    )
    school = models.ForeignKey(
        "credentials.School", on_delete=models.PROTECT, related_name="verification_requests"
    )
    contact_email = models.EmailField(help_text="The school's verification contact this request goes to.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    # Secret material for the link; rotated when the contact changes (the old link dies).
    link_nonce = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    link_expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    # The school's answer.
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=20, choices=Answer.choices, blank=True)
    official_name = models.CharField(max_length=200, blank=True)
    official_title = models.CharField(max_length=200, blank=True)
    official_comment = models.TextField(blank=True)
    transcript = models.ForeignKey(
        "credentials.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Staff's evaluation of the answer, or the cancellation.
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True, help_text="Shown to the applicant.")

    PERSONAL_DATA: ClassVar[tuple[str, ...]] = ("official_name", "official_comment")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "answered_at"]),
        ]
        constraints = [
            # One open request per diploma: a second one would mail the school twice.
            models.UniqueConstraint(
                fields=["diploma"],
                condition=Q(status__in=["sent", "answered"]),
                name="one_open_school_verification_per_diploma",
            )
        ]

    def __str__(self) -> str:
        return f"School verification #{self.pk} ({self.get_status_display()})"


class SchoolAnswerReview(SchoolVerificationRequest):
    """The staff review queue (answers awaiting evaluation) as its own admin page."""

    class Meta:
        proxy = True
        verbose_name = "school answer awaiting review"
        verbose_name_plural = "school answers awaiting review"


class VerificationEmail(models.Model):
    """One e-mail of the workflow; ``(request, step)`` is unique, so a step is mailed once.

    A worker claims a row (pending -> sending) with a conditional UPDATE, sends, and
    marks it sent. A row left in "sending" longer than
    ``SCHOOL_VERIFICATION_SENDING_STALE_SECONDS`` (the worker died) can be claimed again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (permanent error)"
        SKIPPED = "skipped", "Skipped (no longer needed)"

    class Kind(models.TextChoices):
        SCHOOL_REQUEST = "school_request", "Request to the school"
        SCHOOL_REMINDER = "school_reminder", "Reminder to the school"
        STAFF_ESCALATION = "staff_escalation", "Escalation to staff"
        APPLICANT_UPDATE = "applicant_update", "Update to the applicant"

    SCHOOL_KINDS: ClassVar[tuple[str, ...]] = (Kind.SCHOOL_REQUEST, Kind.SCHOOL_REMINDER)

    request = models.ForeignKey(SchoolVerificationRequest, on_delete=models.CASCADE, related_name="emails")
    step = models.CharField(max_length=30, help_text="request, reminder-1, escalation, applicant-sent, ...")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    to_address = models.EmailField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True, help_text="Error class and SMTP code only.")

    PERSONAL_DATA: ClassVar[tuple[str, ...]] = ("to_address",)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["request", "step"], name="one_email_per_verification_step")
        ]

    def __str__(self) -> str:
        return f"{self.step} ({self.get_status_display()})"

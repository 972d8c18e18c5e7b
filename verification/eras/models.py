"""ERAS: residency applications, the status reports they carry, and webhook deliveries (R-VE-2).

Each application of an applicant to a residency program (an ``Organization`` of
kind ``residency_program``, named by its ACGME program id) receives a status
report when it arrives and a new *version* whenever the applicant's status
changes. A version is immutable; a program pulls versions through the API and,
with a webhook configured, also receives each version pushed exactly once.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# Programs named in one ERAS feed request.
MAX_PROGRAMS_PER_REQUEST = 100


class FeedAccess(models.Model):
    """Grants an organization's API keys the right to submit ERAS applications.

    The ERAS feed is a service account; granting the right here keeps the
    organization kinds of the external contract (api.md) unchanged.
    """

    organization = models.OneToOneField(
        "verification.Organization", on_delete=models.CASCADE, related_name="eras_feed_access"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "ERAS feed access"
        verbose_name_plural = "ERAS feed access"

    def __str__(self) -> str:
        return f"ERAS feed: {self.organization}"


class ResidencyApplication(models.Model):
    """One applicant's application to one program for one ERAS season."""

    applicant = models.ForeignKey(
        "applicants.Applicant", on_delete=models.PROTECT, related_name="residency_applications"
    )
    program = models.ForeignKey(
        "verification.Organization", on_delete=models.PROTECT, related_name="residency_applications"
    )
    season = models.CharField(max_length=4, help_text="ERAS season (the year residency starts).")
    received_at = models.DateTimeField(default=timezone.now)
    received_from = models.ForeignKey(
        "verification.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "program", "season"], name="eras_application_unique_per_season"
            ),
            models.CheckConstraint(condition=Q(season__regex=r"^[0-9]{4}$"), name="eras_season_is_year"),
        ]
        # The staff list's season filter reads the first and last season from it.
        indexes = [models.Index(fields=["season"], name="eras_application_season_idx")]

    def __str__(self) -> str:
        return f"Application #{self.pk} ({self.season})"


class StatusReport(models.Model):
    """One immutable version of an applicant's status report for one application.

    ``payload`` is the status snapshot (names as on the diploma, certification,
    exams without scores, credential status); ``content_hash`` is its SHA-256,
    so a refresh that finds the same status writes nothing new.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(ResidencyApplication, on_delete=models.PROTECT, related_name="reports")
    # Copied from the application so a program's reports are read from one index.
    program = models.ForeignKey("verification.Organization", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    payload = models.JSONField()
    content_hash = models.CharField(max_length=64)
    cause = models.CharField(max_length=50, help_text="What triggered this version.")
    generated_at = models.DateTimeField(default=timezone.now)

    PERSONAL_DATA: ClassVar[tuple[str, ...]] = ("payload",)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "version"], name="eras_report_unique_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="eras_report_version_positive"),
        ]
        indexes = [models.Index(fields=["program", "-id"], name="eras_report_program_idx")]

    def __str__(self) -> str:
        return f"Status report {self.public_id} v{self.version}"


class WebhookDelivery(models.Model):
    """The push of one report version to its program: one row per report, so a
    version is never delivered twice. Attempts are claimed with a conditional
    UPDATE (``pending`` -> ``sending``)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.OneToOneField(StatusReport, on_delete=models.PROTECT, related_name="delivery")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Raised by a staff resend, so a resent delivery gets a fresh series of attempts.
    attempt_limit = models.PositiveSmallIntegerField(default=6)
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="eras_delivery_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                name="eras_delivery_delivered_dated",
            )
        ]

    def __str__(self) -> str:
        return f"Delivery {self.public_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery, as it happened."""

    class Outcome(models.TextChoices):
        DELIVERED = "delivered", "Delivered"
        RETRY = "retry", "Failed, will retry"
        FAILED = "failed", "Failed permanently"

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    url = models.URLField(max_length=500)
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="eras_attempt_unique_number")
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} ({self.outcome})"

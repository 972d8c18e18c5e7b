"""Verifying organizations and their API keys.

Keys are shown once at creation and stored only as a SHA-256 hash (keys are
long random strings, so a fast hash is enough; no password stretching needed).
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils import timezone

from exams.models import ExamResult


class Organization(models.Model):
    class Kind(models.TextChoices):
        LICENSING_AUTHORITY = "licensing_authority", "Medical licensing authority"
        RESIDENCY_PROGRAM = "residency_program", "Residency program"
        HOSPITAL = "hospital", "Hospital"
        OTHER = "other", "Other appropriate organization"
        RESULTS_FEED = "results_feed", "Exam results feed (service account)"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=25, choices=Kind.choices)
    # Residency programs: the ACGME program id ERAS applications name them by.
    acgme_program_id = models.CharField(max_length=20, unique=True, null=True, blank=True)
    webhook_url = models.URLField(blank=True, help_text="Status reports are pushed here when set.")
    webhook_secret = models.CharField(max_length=128, blank=True, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_results_feed(self) -> bool:
        return self.kind == self.Kind.RESULTS_FEED

    @property
    def can_post_results(self) -> bool:
        """Only the exam body's service account reports exam results."""
        return self.is_results_feed

    @property
    def can_request_verifications(self) -> bool:
        """Verifying organizations (every kind but the results feed) ask for reports (R-VE-1)."""
        return not self.is_results_feed


class ApiKey(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(
        max_length=12, db_index=True, editable=False, help_text="First characters, to recognise a key."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.organization})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class VerificationReport(models.Model):
    """What the Certification Verification Service answered (R-VE-1), frozen as sent.

    ``payload`` is the JSON body returned to the organization; reading the report
    later returns the same snapshot, and the public page (R-VE-3) shows what it
    stated when it was generated. ``verification_code`` is long and random: it is
    printed on the PDF and is the only key to the public page.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    verification_code = models.CharField(max_length=64, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="reports")
    applicant = models.ForeignKey(
        "applicants.Applicant", on_delete=models.PROTECT, related_name="verification_reports"
    )
    payload = models.JSONField(editable=False)
    generated_at = models.DateTimeField(editable=False, db_index=True)

    PERSONAL_DATA: ClassVar[tuple[str, ...]] = ("payload",)

    class Meta:
        ordering = ["-generated_at"]
        indexes = [models.Index(fields=["applicant", "-generated_at"])]

    def __str__(self) -> str:
        return f"Verification report {self.pk}"


class VerificationRequest(models.Model):
    """The log of every verification request: who asked, when, about whom, what was answered.

    A request that matched nobody keeps no submitted personal data: only the
    USMLE ID it named (an identifier, not a name) and a keyed digest of the whole
    submission, so repeated identical attempts can be recognised.
    """

    class Outcome(models.TextChoices):
        MATCHED = "matched", "Matched: report issued"
        NO_MATCH = "no_match", "No match: 404 answered"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="requests")
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="requests")
    requested_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, editable=False)
    usmle_id = models.CharField("USMLE ID asked about", max_length=8, blank=True, editable=False)
    submission_digest = models.CharField(max_length=64, editable=False)
    applicant = models.ForeignKey(
        "applicants.Applicant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verification_requests",
        editable=False,
    )
    report = models.OneToOneField(
        VerificationReport,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="request",
        editable=False,
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="matched", report__isnull=False, applicant__isnull=False)
                | models.Q(outcome="no_match", report__isnull=True, applicant__isnull=True),
                name="verification_request_outcome_consistent",
            )
        ]

    def __str__(self) -> str:
        return f"Verification request #{self.pk} ({self.get_outcome_display()})"


class ExamResultImport(ExamResult):
    """Admin entry point for importing exam results from a CSV file (no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = "exam result (feed and imports)"
        verbose_name_plural = "exam results (feed and imports)"

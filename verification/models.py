"""Verifying organizations and their API keys.

Keys are shown once at creation and stored only as a SHA-256 hash (keys are
long random strings, so a fast hash is enough; no password stretching needed).
"""

from __future__ import annotations

from django.db import models


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

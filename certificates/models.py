"""The Standard ECFMG Certificate."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Certificate(models.Model):
    """Issued once per applicant (R-CE-1): the one-to-one link is the database's guarantee."""

    class Status(models.TextChoices):
        VALID = "valid", "Valid"
        REVOKED = "revoked", "Revoked"

    applicant = models.OneToOneField(
        "applicants.Applicant", on_delete=models.PROTECT, related_name="certificate"
    )
    number = models.CharField(max_length=16, unique=True)
    verification_code = models.CharField(max_length=64, unique=True)
    exam_requirements_met_on = models.DateField()
    issued_on = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.VALID)
    revoked_on = models.DateField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pdf = models.FileField(max_length=200, blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    # The "your certificate is issued" e-mail: claimed (conditional UPDATE) before the send,
    # recorded as sent after it. A claim older than the task time limit belongs to a dead
    # worker and is taken again by the sweep (certificates.resume), same Message-ID.
    email_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    email_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # R-VE-4: its entry in a public Bitstring Status List, drawn at random when issued
    # and kept for life (reprints too); null only for certificates issued before lists.
    status_list = models.ForeignKey(
        "StatusList", null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    status_index = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The signed Verifiable Credential (JSON) embedded in the current PDF, byte for byte.
    credential = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-issued_on", "-id"]
        permissions = [
            ("revoke_certificate", "Can revoke a certificate"),
            ("reprint_certificate", "Can reprint a certificate"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="valid", revoked_on__isnull=True)
                | Q(status="revoked", revoked_on__isnull=False),
                name="certificate_revocation_dated",
            ),
            models.CheckConstraint(
                condition=Q(issued_on__gte=models.F("exam_requirements_met_on")),
                name="certificate_issued_after_requirements",
            ),
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="certificate_status_entry_unique"
            ),
            models.CheckConstraint(
                condition=Q(status_list__isnull=True, status_index__isnull=True)
                | Q(status_list__isnull=False, status_index__isnull=False),
                name="certificate_status_entry_complete",
            ),
        ]
        indexes = [
            # The workbench's certificate queues: issued recently, and PDFs not yet rendered
            # (a handful in real life, counted without reading the table; issue 13).
            models.Index(fields=["created_at"], name="certificate_created_idx"),
            models.Index(
                fields=["created_at"],
                condition=Q(pdf_rendered_at__isnull=True),
                name="certificate_unrendered_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Certificate {self.number}"

    @property
    def is_revoked(self) -> bool:
        return self.status == self.Status.REVOKED


class CertificateCounter(models.Model):
    """The single row from which certificate numbers are drawn, under a row lock."""

    name = models.CharField(max_length=20, unique=True, default="standard")
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_value}"


class StatusList(models.Model):
    """A W3C Bitstring Status List (v1.0) for revocation: bit ``i`` is 1 when the
    certificate at index ``i`` is revoked. Served signed at ``/credentials/status/<name>/``."""

    MIN_SIZE = 131_072  # the specification's minimum (16 KiB), so one list hides each certificate

    name = models.SlugField(max_length=32, unique=True)
    size = models.PositiveIntegerField(default=MIN_SIZE)
    # size / 8 bytes, most significant bit first (index 0 is the left-most bit).
    bits = models.BinaryField(editable=False)
    # Increases with every change, so a signed copy can be cached per revision.
    revision = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gte=131_072), name="status_list_minimum_size"),
        ]

    def __str__(self) -> str:
        return f"Status list {self.name}"


class IssuerKey(models.Model):
    """An Ed25519 key of the issuer's ``did:web`` document (Multikey). One is active and
    signs new credentials; retired keys stay in the document so what they signed still
    verifies, unless marked compromised: then anything they signed from
    ``compromised_since`` on fails (the document lists it with ``revoked``)."""

    key_id = models.CharField(max_length=40, unique=True)
    public_key_multibase = models.CharField(max_length=64, unique=True)
    # The secret key, Fernet-encrypted under CREDENTIAL_KEY_SECRET; never shown.
    private_key_encrypted = models.TextField(editable=False)
    active = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)
    compromised_since = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [("manage_issuer_keys", "Can rotate issuer keys and mark them compromised")]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="one_active_issuer_key"
            ),
            models.CheckConstraint(
                condition=Q(active=False) | Q(retired_at__isnull=True, compromised_since__isnull=True),
                name="active_issuer_key_not_retired",
            ),
        ]

    def __str__(self) -> str:
        return self.key_id

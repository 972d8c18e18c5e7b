"""The Standard ECFMG Certificate."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


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
    # Claimed before the "your certificate is issued" e-mail is sent: a retry never sends twice.
    email_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

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

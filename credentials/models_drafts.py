"""A document sent as several files, waiting for the applicant to check its pages."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models


class DocumentDraft(models.Model):
    """The disarmed, assembled PDF of several uploaded files, and a thumbnail of each
    page, kept until the applicant confirms it (it then becomes a ``Document``) or
    starts again. Only its owner can see or confirm it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    applicant = models.ForeignKey(
        "applicants.Applicant", on_delete=models.CASCADE, related_name="document_drafts"
    )
    kind = models.CharField(max_length=20)
    language = models.CharField(max_length=8, default="en")
    issue_date = models.DateField(null=True, blank=True)
    file = models.FileField(max_length=200)
    pages = models.PositiveSmallIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, help_text="Of the assembled PDF.")
    original_sha256 = models.CharField(
        max_length=650, help_text="SHA-256 of each file as received, in order, separated by spaces."
    )
    original_names = models.JSONField(default=list, help_text="Sanitised display names, in order.")
    thumbnails = models.JSONField(default=list, help_text="Storage names of the page thumbnails.")
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_DATA: ClassVar[tuple[str, ...]] = ("file", "original_names", "thumbnails")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["applicant", "created_at"])]

    def __str__(self) -> str:
        return f"Draft {self.kind} ({self.pages} pages)"

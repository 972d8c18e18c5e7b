"""Staff notes on an applicant's file: what a colleague should know, who wrote it, when."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class StaffNote(models.Model):
    """Written once, never edited (``applicants.services.notes.staff_note_add``, audited)."""

    applicant = models.ForeignKey(
        "applicants.Applicant", on_delete=models.PROTECT, related_name="staff_notes"
    )
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_DATA: ClassVar[tuple[str, ...]] = ("text",)

    class Meta:
        app_label = "applicants"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["applicant", "created_at"])]

    def __str__(self) -> str:
        return f"Note #{self.pk}"

"""Reasons staff give when they reject a document or cannot verify it: kept as editable
templates, so the wording the applicant reads is agreed once and chosen, not retyped."""

from __future__ import annotations

from django.db import models


class ReasonTemplate(models.Model):
    class Decision(models.TextChoices):
        REJECTED = "rejected", "Reject"
        UNABLE_TO_VERIFY = "unable_to_verify", "Unable to verify"

    decision = models.CharField(max_length=20, choices=Decision.choices)
    title = models.CharField(max_length=100, help_text="What staff pick from.")
    text = models.TextField(help_text="What the applicant reads, with what to do next.")
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["decision", "position", "title"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "title"], name="reason_template_title_once")
        ]

    def __str__(self) -> str:
        return self.title

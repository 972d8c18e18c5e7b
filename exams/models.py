"""USMLE exam applications and results."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q


class Exam(models.TextChoices):
    STEP1 = "STEP1", "USMLE Step 1"
    STEP2CK = "STEP2CK", "USMLE Step 2 Clinical Knowledge (CK)"
    STEP2CS = "STEP2CS", "USMLE Step 2 Clinical Skills (CS)"


class ExamApplication(models.Model):
    """One application for one Step (R-EX-6): a 3-month eligibility period and a fee."""

    applicant = models.ForeignKey(
        "applicants.Applicant", on_delete=models.PROTECT, related_name="exam_applications"
    )
    exam = models.CharField(max_length=8, choices=Exam.choices)
    eligibility_start = models.DateField()
    eligibility_end = models.DateField()
    fee = models.OneToOneField(
        "applicants.LedgerEntry", on_delete=models.PROTECT, related_name="exam_application"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["applicant", "exam"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(eligibility_end__gt=models.F("eligibility_start")),
                name="exam_application_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_exam_display()} ({self.eligibility_start} to {self.eligibility_end})"


class ExamResult(models.Model):
    """A reported USMLE result; one per applicant, Step and test date."""

    class Outcome(models.TextChoices):
        PASS = "pass", "Pass"
        FAIL = "fail", "Fail"

    class Source(models.TextChoices):
        FEED = "feed", "Results feed"
        STAFF = "staff", "Entered by staff"
        IMPORT = "import", "CSV import"

    applicant = models.ForeignKey(
        "applicants.Applicant", on_delete=models.PROTECT, related_name="exam_results"
    )
    exam = models.CharField(max_length=8, choices=Exam.choices)
    test_date = models.DateField()
    outcome = models.CharField(max_length=4, choices=Outcome.choices)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.STAFF)
    recorded_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_DATA: ClassVar[tuple[str, ...]] = ("score",)

    class Meta:
        ordering = ["test_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "exam", "test_date"], name="exam_result_unique_sitting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.exam} {self.test_date} {self.outcome}"

    @property
    def passed(self) -> bool:
        return self.outcome == self.Outcome.PASS

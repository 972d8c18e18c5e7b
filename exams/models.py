"""USMLE exam applications and results."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
    # Printed on the scheduling permit; the applicant quotes it to book a test date.
    scheduling_number = models.CharField(max_length=14, unique=True, null=True, editable=False)
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

    def covers(self, day: datetime.date) -> bool:
        """The test date lies inside this application's eligibility period (R-EX-8)."""
        return self.eligibility_start <= day <= self.eligibility_end


class ExamResult(models.Model):
    """A reported USMLE result; one per applicant, Step and test date."""

    class Outcome(models.TextChoices):
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")

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
    # The sitting this result belongs to (R-EX-8); empty only on rows stored before the rule.
    application = models.OneToOneField(
        ExamApplication, null=True, blank=True, on_delete=models.PROTECT, related_name="result"
    )
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


class PassingStandard(models.Model):
    """The minimum passing score of a Step from a date on, with where it was published.

    Scores are judged by the standard in force on the test date (R-EX-8), so a
    change of standard is a new row, never an edit of code or of an older row.
    ``minimum_score`` empty means the Step is reported pass/fail only, with no score.
    """

    exam = models.CharField(max_length=8, choices=Exam.choices)
    effective_from = models.DateField(help_text="First test date judged by this standard.")
    minimum_score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: reported as pass or fail only, never with a score."
    )
    source = models.CharField(max_length=300, help_text="The announcement this standard comes from.")
    source_url = models.URLField(blank=True)

    class Meta:
        ordering = ["exam", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["exam", "effective_from"], name="passing_standard_one_per_day")
        ]

    def __str__(self) -> str:
        minimum = self.minimum_score if self.minimum_score is not None else "pass/fail"
        return f"{self.exam} from {self.effective_from}: {minimum}"


class UnmatchedResult(models.Model):
    """A reported result that R-EX-8 refused: kept for staff, counted for nothing.

    Staff resolve it by matching it to an application (the full rule is checked
    again, so a result that arrived before its application can be matched once the
    application exists) or by dismissing it with a note.
    """

    class Reason(models.TextChoices):
        NO_MATCHING_APPLICATION = "no_matching_application", "No application covers the test date"
        ALREADY_PASSED = "already_passed", "The Step is already passed"
        SCORE_DISAGREES = "score_disagrees_with_outcome", "Score disagrees with the outcome"
        BEFORE_ID_ISSUED = "before_id_issued", "Test date before the ID was issued"
        NO_PASSING_STANDARD = "no_passing_standard", "No passing standard recorded for the date"

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for staff"
        MATCHED = "matched", "Matched to an application"
        DISMISSED = "dismissed", "Dismissed"

    applicant = models.ForeignKey(
        "applicants.Applicant", on_delete=models.PROTECT, related_name="unmatched_results"
    )
    exam = models.CharField(max_length=8, choices=Exam.choices)
    test_date = models.DateField()
    outcome = models.CharField(max_length=4, choices=ExamResult.Outcome.choices)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=ExamResult.Source.choices)
    reason = models.CharField(max_length=32, choices=Reason.choices)
    detail = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    received_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution_note = models.TextField(blank=True)
    result = models.OneToOneField(
        ExamResult, null=True, blank=True, on_delete=models.PROTECT, related_name="unmatched_origin"
    )

    PERSONAL_DATA: ClassVar[tuple[str, ...]] = ("score",)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["status", "received_at"], name="exams_unmatched_queue_idx")]

    def __str__(self) -> str:
        return f"{self.exam} {self.test_date} {self.outcome} ({self.get_reason_display()})"

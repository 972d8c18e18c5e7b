"""Exam applications (R-EX-6, R-ED-4) and results."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from applicants.models import Applicant, LedgerEntry
from applicants.notifications.services import exam_result_notify
from applicants.services.ledger import ledger_post
from credentials.selectors import has_current_diploma
from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import Conflict, DomainError
from ecfmg_portal.events import applicant_status_changed

from .models import Exam, ExamApplication, ExamResult

MAX_ATTEMPTS_PER_STEP = 4
ELIGIBILITY_MONTHS = 3


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month_first = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month_first - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


def exam_application_refusal(*, applicant: Applicant, exam: str, today: datetime.date) -> str | None:
    """Why this application cannot be made now, or None. Reads only; shared by the
    form (to explain) and by ``exam_application_create`` (to enforce)."""
    if exam not in Exam.values:
        return "Choose Step 1, Step 2 CK or Step 2 CS."
    label = Exam(exam).label
    if not applicant.usmle_id:
        return "Get your USMLE/ECFMG Identification Number before applying for an exam."
    results = ExamResult.objects.filter(applicant=applicant, exam=exam)
    if results.filter(outcome=ExamResult.Outcome.PASS).exists():
        return f"You have already passed {label}; a passed Step cannot be taken again."
    applications = list(ExamApplication.objects.filter(applicant=applicant, exam=exam).order_by("created_at"))
    if len(applications) >= MAX_ATTEMPTS_PER_STEP:
        return (
            f"You have applied for {label} {len(applications)} times; "
            f"USMLE allows at most {MAX_ATTEMPTS_PER_STEP} attempts per Step."
        )
    open_period = next((a for a in applications if a.eligibility_end >= today), None)
    if open_period is not None and not results.filter(test_date__gte=open_period.eligibility_start).exists():
        return (
            f"Your eligibility period for {label} is open until "
            f"{open_period.eligibility_end:%d %B %Y}; apply again after it ends or after your result."
        )
    return None


def graduate_needs_credentials_first(*, applicant: Applicant, today: datetime.date) -> bool:
    """R-ED-4: a graduate's first application is incomplete without the diploma."""
    is_first = not ExamApplication.objects.filter(applicant=applicant).exists()
    graduated = applicant.graduation_date is not None and applicant.graduation_date <= today
    return is_first and graduated and not has_current_diploma(applicant=applicant)


def exam_application_create(*, applicant: Applicant, exam: str, actor: Any = None) -> ExamApplication:
    """Apply for one Step: opens a 3-month eligibility period and charges the fee."""
    today = timezone.localdate()
    with transaction.atomic():
        # Serialise applications of one applicant, so two clicks make one application.
        Applicant.objects.select_for_update().filter(pk=applicant.pk).first()
        refusal = exam_application_refusal(applicant=applicant, exam=exam, today=today)
        if refusal:
            raise DomainError("exam_application_refused", refusal, field="exam")
        if graduate_needs_credentials_first(applicant=applicant, today=today):
            raise DomainError(
                "credentials_required",
                "As a graduate, send your final diploma (and its English translation if it is not "
                "in English) with your first exam application: upload it, then apply.",
                field="exam",
            )
        fee, _ = ledger_post(
            applicant=applicant,
            kind=LedgerEntry.Kind.CHARGE,
            amount=settings.EXAM_FEES[exam],
            description=f"Application fee: {Exam(exam).label}",
            actor=actor,
        )
        application = ExamApplication.objects.create(
            applicant=applicant,
            exam=exam,
            eligibility_start=today,
            eligibility_end=add_months(today, ELIGIBILITY_MONTHS),
            fee=fee,
        )
        audit_record(action="exam_application.created", obj=application, actor=actor, after={"exam": exam})
    return application


def exam_result_record(
    *,
    applicant: Applicant,
    exam: str,
    test_date: datetime.date,
    outcome: str,
    score: int | None,
    source: str = ExamResult.Source.STAFF,
    actor: Any = None,
) -> tuple[ExamResult, bool]:
    """Record a result. Replaying the same result returns it with ``False``; the same
    sitting with another outcome or score raises ``Conflict``. A pass can complete
    the requirements: certification follows through ``applicant_status_changed``."""
    if exam not in Exam.values:
        raise DomainError("invalid_exam", "Unknown exam.", field="exam")
    if outcome not in ExamResult.Outcome.values:
        raise DomainError("invalid_outcome", "Outcome must be pass or fail.", field="outcome")
    if test_date > timezone.localdate():
        raise DomainError("future_test_date", "The test date cannot be in the future.", field="test_date")
    existing = ExamResult.objects.filter(applicant=applicant, exam=exam, test_date=test_date).first()
    if existing is not None:
        if existing.outcome == outcome and existing.score == score:
            return existing, False
        raise Conflict("result_conflict", "A different result is already stored for this sitting.")
    try:
        with transaction.atomic():
            result = ExamResult.objects.create(
                applicant=applicant,
                exam=exam,
                test_date=test_date,
                outcome=outcome,
                score=score,
                source=source,
            )
            audit_record(
                action="exam_result.recorded",
                obj=result,
                actor=actor,
                after={
                    "applicant": applicant.pk,
                    "exam": exam,
                    "test_date": test_date,
                    "outcome": outcome,
                },
            )
            exam_result_notify(result=result)
            applicant_status_changed(applicant_id=applicant.pk, cause=f"exam_result.{outcome}")
    except IntegrityError:
        # Two deliveries raced; the first one stored it. Answer as a replay would.
        return exam_result_record(
            applicant=applicant,
            exam=exam,
            test_date=test_date,
            outcome=outcome,
            score=score,
            source=source,
        )
    return result, True

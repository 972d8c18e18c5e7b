"""Exam applications (R-EX-6, R-ED-4, R-ED-7). Results are recorded by ``exams.results``
(R-EX-8), re-exported here for the callers that import them from the services."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from applicants.models import Applicant, LedgerEntry
from applicants.notifications.services import exam_fee_charged_notify
from applicants.services.ledger import ledger_post
from credentials.services.documents import first_application_credentials_missing
from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import DomainError
from ecfmg_portal.formatting import format_day

from .models import Exam, ExamApplication, ExamResult
from .results import exam_result_record
from .selectors import attempts_used, open_application

__all__ = [
    "ELIGIBILITY_MONTHS",
    "MAX_ATTEMPTS_PER_STEP",
    "add_months",
    "exam_application_create",
    "exam_application_refusal",
    "exam_result_record",
    "graduate_needs_credentials_first",
]

MAX_ATTEMPTS_PER_STEP = 4
ELIGIBILITY_MONTHS = 3


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month_first = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month_first - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


def exam_application_refusal(
    *,
    applicant: Applicant,
    exam: str,
    today: datetime.date,
    applications: Sequence[ExamApplication] | None = None,
    results: Sequence[ExamResult] | None = None,
) -> str | None:
    """Why this application cannot be made now, or None. Reads only; shared by the
    page (to explain) and by ``exam_application_create`` (to enforce). A page that
    already loaded the applicant's ``applications`` and ``results`` passes them."""
    if exam not in Exam.values:
        return gettext("Choose Step 1, Step 2 CK or Step 2 CS.")
    label = Exam(exam).label
    if not applicant.usmle_id:
        return gettext("Get your USMLE/ECFMG Identification Number before applying for an exam.")
    if results is None:
        results = list(ExamResult.objects.filter(applicant=applicant, exam=exam))
    results = [r for r in results if r.exam == exam]
    if any(r.passed for r in results):
        return gettext("You have already passed %(exam)s; a passed Step cannot be taken again.") % {
            "exam": label
        }
    if applications is None:
        applications = list(ExamApplication.objects.filter(applicant=applicant, exam=exam))
    applications = sorted((a for a in applications if a.exam == exam), key=lambda a: a.eligibility_start)
    used = attempts_used(exam=exam, applications=applications, results=results, today=today)
    if used >= MAX_ATTEMPTS_PER_STEP:
        return gettext(
            "You have used %(used)s of %(max)s attempts for %(exam)s; USMLE allows at most %(max)s attempts per Step."
        ) % {"used": used, "max": MAX_ATTEMPTS_PER_STEP, "exam": label}
    current = open_application(exam=exam, applications=applications, results=results, today=today)
    if current is not None:
        return gettext(
            "Your eligibility period for %(exam)s is open until %(end)s; apply again after it ends or after your result."
        ) % {"exam": label, "end": format_day(current.eligibility_end)}
    return None


def graduate_needs_credentials_first(*, applicant: Applicant, today: datetime.date) -> bool:
    """R-ED-4/R-ED-7: a graduate's first application is incomplete without the diploma
    and, for a diploma not in English, its translation."""
    return first_application_credentials_missing(applicant=applicant, today=today) is not None


def _new_scheduling_number() -> str:
    digits = f"{secrets.randbelow(10**12):012d}"
    return f"{digits[:4]}-{digits[4:8]}-{digits[8:]}"


def exam_application_create(*, applicant: Applicant, exam: str, actor: Any = None) -> ExamApplication:
    """Apply for one Step: opens a 3-month eligibility period, charges the fee, issues
    the scheduling permit's number and e-mails the charge."""
    today = timezone.localdate()
    with transaction.atomic():
        # Serialise applications of one applicant, so two clicks make one application.
        Applicant.objects.select_for_update().filter(pk=applicant.pk).first()
        refusal = exam_application_refusal(applicant=applicant, exam=exam, today=today)
        if refusal:
            raise DomainError("exam_application_refused", refusal, field="exam")
        missing = first_application_credentials_missing(applicant=applicant, today=today)
        if missing:
            raise DomainError("credentials_required", missing, field="exam")
        fee, _ = ledger_post(
            applicant=applicant,
            kind=LedgerEntry.Kind.CHARGE,
            amount=settings.EXAM_FEES[exam],
            description=f"Application fee: {Exam(exam).label}",
            actor=actor,
        )
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    application = ExamApplication.objects.create(
                        applicant=applicant,
                        exam=exam,
                        eligibility_start=today,
                        eligibility_end=add_months(today, ELIGIBILITY_MONTHS),
                        fee=fee,
                        scheduling_number=_new_scheduling_number(),
                    )
                break
            except IntegrityError:  # a scheduling number drawn twice in 10^12: draw again
                continue
        else:
            raise RuntimeError("Could not draw a free scheduling number.")
        audit_record(action="exam_application.created", obj=application, actor=actor, after={"exam": exam})
        exam_fee_charged_notify(application=application)
    return application

"""Reads about exam applications and results: attempts (R-EX-6), the passing
standard in force (R-EX-8), and the facts the applicant's journey needs."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.urls import reverse

from applicants.models import Applicant

from .models import Exam, ExamApplication, ExamResult, PassingStandard, UnmatchedResult


def sat(application: ExamApplication, results: Iterable[ExamResult]) -> bool:
    """A result belongs to this application: linked to it, or (rows from before the
    link existed) of the same Step with a test date inside its period."""
    return any(
        r.application_id == application.pk
        or (r.application_id is None and r.exam == application.exam and application.covers(r.test_date))
        for r in results
    )


def attempts_used(
    *,
    exam: str,
    applications: Sequence[ExamApplication],
    results: Sequence[ExamResult],
    today: datetime.date,
) -> int:
    """R-EX-6: an attempt is a sitting (a recorded result) or an application whose
    eligibility period is still open without one. An application that lapsed
    without a sitting is not an attempt."""
    sittings = [r for r in results if r.exam == exam]
    open_unsat = [
        a for a in applications if a.exam == exam and a.eligibility_end >= today and not sat(a, sittings)
    ]
    return len(sittings) + len(open_unsat)


def open_application(
    *, exam: str, applications: Sequence[ExamApplication], results: Sequence[ExamResult], today: datetime.date
) -> ExamApplication | None:
    """The application of this Step whose period is open and not yet sat, if any."""
    sittings = [r for r in results if r.exam == exam]
    return next(
        (
            a
            for a in applications
            if a.exam == exam and a.eligibility_start <= today <= a.eligibility_end and not sat(a, sittings)
        ),
        None,
    )


def passing_standard_in_force(*, exam: str, on: datetime.date) -> PassingStandard | None:
    """The standard that judges a sitting of ``exam`` on ``on`` (one query)."""
    return (
        PassingStandard.objects.filter(exam=exam, effective_from__lte=on).order_by("-effective_from").first()
    )


@dataclass(frozen=True)
class OpenApplicationFact:
    """What the journey needs to say "Schedule your Step X test date before <end>"."""

    application_id: int
    exam: str
    label: str
    eligibility_start: datetime.date
    eligibility_end: datetime.date
    scheduling_number: str
    permit_url: str
    permit_pdf_url: str


def open_applications_for_journey(
    *, applicant: Applicant, today: datetime.date
) -> tuple[OpenApplicationFact, ...]:
    """Open, unsat applications, soonest deadline first (two queries)."""
    applications = list(
        ExamApplication.objects.filter(applicant=applicant, eligibility_end__gte=today).order_by(
            "eligibility_end", "pk"
        )
    )
    if not applications:
        return ()
    results = list(ExamResult.objects.filter(applicant=applicant))
    return tuple(
        OpenApplicationFact(
            application_id=a.pk,
            exam=a.exam,
            label=Exam(a.exam).label,
            eligibility_start=a.eligibility_start,
            eligibility_end=a.eligibility_end,
            scheduling_number=a.scheduling_number or "",
            permit_url=reverse("permit", args=[a.pk]),
            permit_pdf_url=reverse("permit_pdf", args=[a.pk]),
        )
        for a in applications
        if a.eligibility_start <= today and not sat(a, results)
    )


def application_for_owner(*, applicant: Applicant, pk: int) -> ExamApplication | None:
    """The applicant's own application, or None (another's is never found)."""
    return (
        ExamApplication.objects.select_related("applicant", "fee").filter(applicant=applicant, pk=pk).first()
    )


def unmatched_results_waiting() -> list[UnmatchedResult]:
    """The staff queue: results waiting for a decision, oldest first."""
    return list(
        UnmatchedResult.objects.filter(status=UnmatchedResult.Status.OPEN)
        .select_related("applicant")
        .order_by("received_at", "pk")
    )

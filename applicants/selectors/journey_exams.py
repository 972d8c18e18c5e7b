"""The exams part of the applicant's journey: each Step's state and whether it may be
applied for now (R-EX-6, R-ED-4), and the exam actions, over rows already loaded."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applicants.models import Applicant
from ecfmg_portal.formatting import format_day, format_money
from exams.models import Exam, ExamApplication, ExamResult

from .journey_common import support_link
from .journey_rows import JourneyRows
from .types import Action, Page, StepRow

MAX_ATTEMPTS_PER_STEP = 4  # R-EX-6 (the same number exams.services enforces)


def schedule_url(application: ExamApplication) -> str:
    """The scheduling permit of this application (exams app, URL name ``permit``)."""
    return reverse("permit", args=[application.pk])


def sat(application: ExamApplication, results: list[ExamResult]) -> bool:
    """A result belongs to the application: linked to it, or of the same Step inside its period."""
    return any(
        getattr(r, "application_id", None) == application.pk
        or (
            getattr(r, "application_id", None) is None
            and application.eligibility_start <= r.test_date <= application.eligibility_end
        )
        for r in results
    )


def step_rows(
    applicant: Applicant, rows: JourneyRows, today: datetime.date, general_refusal: str | None
) -> tuple[StepRow, ...]:
    steps = []
    for exam in Exam:
        applications = [a for a in rows.applications if a.exam == exam]
        results = [r for r in rows.results if r.exam == exam]
        passes = [r.test_date for r in results if r.outcome == ExamResult.Outcome.PASS]
        passed_on = min(passes) if passes else None
        open_unsat = [a for a in applications if a.eligibility_end >= today and not sat(a, results)]
        # R-EX-6: an attempt is a sitting or an application whose period is still open.
        attempts = len(results) + len(open_unsat)
        open_application = next((a for a in open_unsat if a.eligibility_start <= today), None)
        refusal: str | None
        if passed_on is not None:
            status = _("Passed on %(on)s") % {"on": format_day(passed_on)}
            refusal = _("You passed %(exam)s on %(on)s; a passed Step is not taken again.") % {
                "exam": exam.label,
                "on": format_day(passed_on),
            }
        elif open_application is not None:
            end = format_day(open_application.eligibility_end)
            status = _("Applied: schedule your test date before %(end)s") % {"end": end}
            refusal = _("Your eligibility period for %(exam)s is open until %(end)s.") % {
                "exam": exam.label,
                "end": end,
            }
        else:
            status = (
                ngettext(
                    "Not passed yet (%(count)s attempt)", "Not passed yet (%(count)s attempts)", len(results)
                )
                % {"count": len(results)}
                if results
                else (_("Eligibility period ended") if applications else _("Not applied yet"))
            )
            if attempts >= MAX_ATTEMPTS_PER_STEP:
                refusal = ngettext(
                    "You have used %(count)s attempt at %(exam)s; USMLE allows at most %(max)s per Step.",
                    "You have used %(count)s attempts at %(exam)s; USMLE allows at most %(max)s per Step.",
                    attempts,
                ) % {"count": attempts, "exam": exam.label, "max": MAX_ATTEMPTS_PER_STEP}
            else:
                refusal = general_refusal
        steps.append(
            StepRow(
                exam=exam.value,
                label=exam.label,
                fee=settings.EXAM_FEES[exam.value],
                passed_on=passed_on,
                status=status,
                applications=tuple(applications),
                results=tuple(results),
                attempts_used=attempts,
                open_application=open_application,
                refusal=refusal,
            )
        )
    return tuple(steps)


def exam_actions(actions: list[Action], steps: tuple[StepRow, ...], credentials_first: str | None) -> None:
    exams_url = reverse("exams")
    open_ones = [(s, s.open_application) for s in steps if s.open_application is not None]
    for step, application in sorted(open_ones, key=lambda pair: pair[1].eligibility_end):
        actions.append(
            Action(
                f"schedule:{step.exam}",
                _("Schedule your %(exam)s test date before %(end)s.")
                % {"exam": step.label, "end": format_day(application.eligibility_end)},
                schedule_url(application),
                _("See your scheduling permit"),
                Page.EXAMS,
                "R-EX-6",
            )
        )
    for step in steps:
        if step.passed or step.open_application:
            continue
        if step.refusal is None or (credentials_first and step.refusal == credentials_first):
            # A graduate's first application waits for the credentials listed above it.
            actions.append(
                Action(
                    f"apply:{step.exam}",
                    _("Apply for %(exam)s (fee %(fee)s).")
                    % {"exam": step.label, "fee": format_money(step.fee)},
                    exams_url,
                    _("Go to your exam applications"),
                    Page.EXAMS,
                    "R-EX-6",
                )
            )
        elif step.attempts_used >= MAX_ATTEMPTS_PER_STEP:
            actions.append(
                Action(
                    f"attempts:{step.exam}",
                    _("%(refusal)s Write to ECFMG support about your options.") % {"refusal": step.refusal},
                    support_link(f"Attempts at {step.label}"),
                    _("Write to %(email)s") % {"email": settings.SUPPORT_EMAIL},
                    Page.SUPPORT,
                    "R-EX-6",
                )
            )

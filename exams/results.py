"""Recording exam results (R-EX-8): only a result that belongs to a real sitting counts.

One service for every way a result arrives (the results feed, the staff CSV
import, the admin form). A result counts only when it matches an application of
that Step whose eligibility period contains the test date, the test date is on or
after the day the ID was issued, the Step is not already passed, and the score
agrees with the outcome under the passing standard in force on the test date.
Anything else is refused with ``ResultUnmatched`` (a machine code, HTTP 422) and,
when it came from the exam body, kept as an ``UnmatchedResult`` for staff: it
never reaches the rules engine, so it counts for nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from applicants.models import Applicant
from applicants.notifications.services import exam_result_notify
from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import Conflict, DomainError
from ecfmg_portal.events import applicant_status_changed

from .models import Exam, ExamApplication, ExamResult, UnmatchedResult
from .selectors import passing_standard_in_force, sat

Reason = UnmatchedResult.Reason


class ResultUnmatched(DomainError):
    """R-EX-8 refused the result; ``code`` says which check (api.md: 422)."""

    status = 422


def _human(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def result_refusal(
    *,
    applicant: Applicant,
    exam: str,
    test_date: datetime.date,
    outcome: str,
    score: int | None,
    application: ExamApplication | None = None,
) -> tuple[str, str, ExamApplication | None]:
    """Check R-EX-8. Returns ``("", "", application)`` when the result counts, else
    ``(code, sentence, None)``. ``application``, when given (staff matching a
    waiting result), is the only one considered. Reads only."""
    label = Exam(exam).label
    issued = timezone.localdate(applicant.usmle_id_issued_at) if applicant.usmle_id_issued_at else None
    if issued is None or test_date < issued:
        when = f" ({_human(issued)})" if issued else ""
        return Reason.BEFORE_ID_ISSUED, f"The test date is before the USMLE/ECFMG ID was issued{when}.", None
    results = list(ExamResult.objects.filter(applicant=applicant, exam=exam))
    if any(r.passed for r in results):
        return Reason.ALREADY_PASSED, f"{label} is already passed; a passed Step has no second pass.", None
    candidates = (
        [application]
        if application is not None
        else list(
            ExamApplication.objects.filter(applicant=applicant, exam=exam).order_by("-eligibility_start")
        )
    )
    matched = next(
        (
            a
            for a in candidates
            if a.applicant_id == applicant.pk
            and a.exam == exam
            and a.covers(test_date)
            and not sat(a, results)
        ),
        None,
    )
    if matched is None:
        return (
            Reason.NO_MATCHING_APPLICATION,
            f"No application for {label} has an eligibility period containing {_human(test_date)} "
            "without a result already.",
            None,
        )
    if score is not None:
        standard = passing_standard_in_force(exam=exam, on=test_date)
        if standard is None:
            return (
                Reason.NO_PASSING_STANDARD,
                f"No passing standard for {label} is recorded for {_human(test_date)}.",
                None,
            )
        if standard.minimum_score is None:
            return (
                Reason.SCORE_DISAGREES,
                f"{label} was reported as pass or fail only on {_human(test_date)}; a score cannot agree.",
                None,
            )
        if (score >= standard.minimum_score) != (outcome == ExamResult.Outcome.PASS):
            return (
                Reason.SCORE_DISAGREES,
                f"A score of {score} is a {'pass' if score >= standard.minimum_score else 'fail'} under the "
                f"standard in force on {_human(test_date)} (minimum {standard.minimum_score}).",
                None,
            )
    return "", "", matched


def _keep_unmatched(
    *,
    applicant: Applicant,
    exam: str,
    test_date: datetime.date,
    outcome: str,
    score: int | None,
    source: str,
    reason: str,
    detail: str,
) -> UnmatchedResult:
    """Keep a refused delivery for staff; a replay of it finds the waiting row."""
    with transaction.atomic():
        waiting = UnmatchedResult.objects.filter(
            applicant=applicant,
            exam=exam,
            test_date=test_date,
            outcome=outcome,
            score=score,
            status=UnmatchedResult.Status.OPEN,
        ).first()
        if waiting is not None:
            return waiting
        unmatched = UnmatchedResult.objects.create(
            applicant=applicant,
            exam=exam,
            test_date=test_date,
            outcome=outcome,
            score=score,
            source=source,
            reason=reason,
            detail=detail[:300],
        )
        audit_record(
            action="exam_result.unmatched",
            obj=unmatched,
            after={"applicant": applicant.pk, "exam": exam, "test_date": test_date, "reason": reason},
        )
    return unmatched


def _validate_shape(*, exam: str, outcome: str, test_date: datetime.date) -> None:
    if exam not in Exam.values:
        raise DomainError("invalid_exam", "Unknown exam.", field="exam")
    if outcome not in ExamResult.Outcome.values:
        raise DomainError("invalid_outcome", "Outcome must be pass or fail.", field="outcome")
    if test_date > timezone.localdate():
        raise DomainError("future_test_date", "The test date cannot be in the future.", field="test_date")


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
    sitting with another outcome or score raises ``Conflict``; a result R-EX-8 refuses
    raises ``ResultUnmatched`` and, unless staff typed it, waits in the unmatched
    queue. A pass can complete the requirements: certification follows through
    ``applicant_status_changed``."""
    _validate_shape(exam=exam, outcome=outcome, test_date=test_date)
    existing = ExamResult.objects.filter(applicant=applicant, exam=exam, test_date=test_date).first()
    if existing is not None:
        if existing.outcome == outcome and existing.score == score:
            return existing, False
        raise Conflict("result_conflict", "A different result is already stored for this sitting.")
    code, detail, application = result_refusal(
        applicant=applicant, exam=exam, test_date=test_date, outcome=outcome, score=score
    )
    if code:
        if source == ExamResult.Source.STAFF:
            raise ResultUnmatched(code, detail)  # staff see it on the form; nothing to keep
        _keep_unmatched(
            applicant=applicant,
            exam=exam,
            test_date=test_date,
            outcome=outcome,
            score=score,
            source=source,
            reason=code,
            detail=detail,
        )
        raise ResultUnmatched(code, detail + " The result is kept for ECFMG staff and counts for nothing.")
    assert application is not None
    try:
        result = _store(
            applicant=applicant,
            application=application,
            exam=exam,
            test_date=test_date,
            outcome=outcome,
            score=score,
            source=source,
            actor=actor,
        )
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


def _store(
    *,
    applicant: Applicant,
    application: ExamApplication,
    exam: str,
    test_date: datetime.date,
    outcome: str,
    score: int | None,
    source: str,
    actor: Any,
) -> ExamResult:
    with transaction.atomic():
        result = ExamResult.objects.create(
            applicant=applicant,
            application=application,
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
                "application": application.pk,
                "exam": exam,
                "test_date": test_date,
                "outcome": outcome,
            },
        )
        exam_result_notify(result=result)
        applicant_status_changed(applicant_id=applicant.pk, cause=f"exam_result.{outcome}")
    return result


def unmatched_result_match(
    *, unmatched: UnmatchedResult, application: ExamApplication, actor: Any
) -> ExamResult:
    """Staff match a waiting result to an application. R-EX-8 is checked again against
    that application alone: matching never lets a result count that the rule refuses."""
    with transaction.atomic():
        locked = UnmatchedResult.objects.select_for_update().select_related("applicant").get(pk=unmatched.pk)
        if locked.status != UnmatchedResult.Status.OPEN:
            raise DomainError("already_resolved", "This result has already been resolved.")
        if application.applicant_id != locked.applicant_id or application.exam != locked.exam:
            raise DomainError(
                "wrong_application",
                "Choose an application of this applicant for this Step.",
                field="application",
            )
        code, detail, matched = result_refusal(
            applicant=locked.applicant,
            exam=locked.exam,
            test_date=locked.test_date,
            outcome=locked.outcome,
            score=locked.score,
            application=application,
        )
        if code or matched is None:
            raise ResultUnmatched(code, detail)
        if ExamResult.objects.filter(
            applicant=locked.applicant, exam=locked.exam, test_date=locked.test_date
        ).exists():
            raise Conflict("result_conflict", "A result is already stored for this sitting.")
        result = _store(
            applicant=locked.applicant,
            application=matched,
            exam=locked.exam,
            test_date=locked.test_date,
            outcome=locked.outcome,
            score=locked.score,
            source=locked.source,
            actor=actor,
        )
        _resolve(
            locked, UnmatchedResult.Status.MATCHED, actor=actor, note=f"Matched to application {matched.pk}."
        )
        locked.result = result
        locked.save(update_fields=["result"])
    return result


def unmatched_result_dismiss(*, unmatched: UnmatchedResult, actor: Any, note: str) -> UnmatchedResult:
    """Staff dismiss a waiting result with the reason: it stays on file, counting for nothing."""
    note = " ".join((note or "").split())
    if not note:
        raise DomainError("note_required", "Say why the result is dismissed.", field="resolution_note")
    if len(note) > 2000:
        raise DomainError("note_too_long", "Use at most 2,000 characters.", field="resolution_note")
    with transaction.atomic():
        locked = UnmatchedResult.objects.select_for_update().get(pk=unmatched.pk)
        if locked.status != UnmatchedResult.Status.OPEN:
            raise DomainError("already_resolved", "This result has already been resolved.")
        _resolve(locked, UnmatchedResult.Status.DISMISSED, actor=actor, note=note)
    return locked


def _resolve(unmatched: UnmatchedResult, status: str, *, actor: Any, note: str) -> None:
    unmatched.status = status
    unmatched.resolved_at = timezone.now()
    unmatched.resolved_by = actor if getattr(actor, "is_authenticated", False) else None
    unmatched.resolution_note = note
    unmatched.save(update_fields=["status", "resolved_at", "resolved_by", "resolution_note"])
    audit_record(
        action=f"unmatched_result.{status}",
        obj=unmatched,
        actor=actor,
        before={"status": UnmatchedResult.Status.OPEN},
        after={"status": status},
    )

"""The exam-results feed (api.md) and the staff CSV import: one validation, one idempotency."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from applicants.models import Applicant
from applicants.services.identity import usmle_id_is_valid
from ecfmg_portal.errors import DomainError
from exams.models import Exam, ExamResult
from exams.services import exam_result_record

MIN_SCORE = 1
MAX_SCORE = 300
CSV_COLUMNS = ("usmle_id", "exam", "test_date", "outcome", "score")


def exam_result_submit(
    *,
    usmle_id: str,
    exam: str,
    test_date: datetime.date,
    outcome: str,
    score: int | None,
    source: str,
    actor: Any = None,
) -> tuple[ExamResult, bool]:
    """Record a reported result for the applicant holding ``usmle_id``.

    Returns ``(result, created)``: a replay of a stored result gives ``False``
    and stores nothing; the same sitting with another outcome or score raises
    ``Conflict``. A malformed ID (check digit included) or one nobody holds is a
    ``DomainError`` on ``usmle_id``.
    """
    if not usmle_id_is_valid(usmle_id):
        raise DomainError(
            "invalid_usmle_id",
            "Not a valid USMLE/ECFMG ID: 8 digits ending in the check digit.",
            field="usmle_id",
        )
    if score is not None and not MIN_SCORE <= score <= MAX_SCORE:
        raise DomainError("invalid_score", f"A score is between {MIN_SCORE} and {MAX_SCORE}.", field="score")
    applicant = Applicant.objects.filter(usmle_id=usmle_id).first()
    if applicant is None:
        raise DomainError("unknown_usmle_id", "No applicant holds this USMLE/ECFMG ID.", field="usmle_id")
    result, created = exam_result_record(
        applicant=applicant,
        exam=exam,
        test_date=test_date,
        outcome=outcome,
        score=score,
        source=source,
        actor=actor,
    )
    result.applicant = applicant  # a replay's row comes without it; the answer names the ID
    return result, created


@dataclass
class ImportSummary:
    created: int = 0
    replayed: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)


def _parse_row(row: dict[str, str | None]) -> dict[str, Any]:
    values = {k: (row.get(k) or "").strip() for k in CSV_COLUMNS}
    if values["exam"] not in Exam.values:
        raise DomainError("invalid_exam", "exam must be STEP1, STEP2CK or STEP2CS.", field="exam")
    try:
        test_date = datetime.date.fromisoformat(values["test_date"])
    except ValueError:
        raise DomainError("invalid_date", "test_date must be YYYY-MM-DD.", field="test_date") from None
    if values["outcome"] not in ExamResult.Outcome.values:
        raise DomainError("invalid_outcome", "outcome must be pass or fail.", field="outcome")
    score: int | None = None
    if values["score"]:
        try:
            score = int(values["score"])
        except ValueError:
            raise DomainError(
                "invalid_score", "score must be a whole number or empty.", field="score"
            ) from None
    return {
        "usmle_id": values["usmle_id"],
        "exam": values["exam"],
        "test_date": test_date,
        "outcome": values["outcome"],
        "score": score,
    }


def exam_results_import(*, lines: Iterable[str], actor: Any = None) -> ImportSummary:
    """Import a UTF-8 CSV with the columns ``usmle_id,exam,test_date,outcome,score``.

    Each row is checked and recorded like a feed delivery (replays count, change
    nothing); a bad row is reported with its line number and does not stop the others.
    """
    summary = ImportSummary()
    reader = csv.DictReader(lines)
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        summary.errors.append((1, "Missing column(s): " + ", ".join(missing) + "."))
        return summary
    for row in reader:
        line = reader.line_num
        try:
            values = _parse_row(row)
            _, created = exam_result_submit(**values, source=ExamResult.Source.IMPORT, actor=actor)
        except DomainError as error:
            summary.errors.append((line, f"{error.field}: {error.message}" if error.field else error.message))
            continue
        if created:
            summary.created += 1
        else:
            summary.replayed += 1
    return summary

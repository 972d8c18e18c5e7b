"""Reads about credentials. Imports only credentials' own models (exams reads it)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from applicants.models import Applicant

from .models import Document, SchoolVerificationRequest


def current_documents(*, applicant: Applicant) -> QuerySet[Document]:
    """Documents that still count: not replaced by a newer upload."""
    return Document.objects.filter(applicant=applicant).exclude(status=Document.Status.REPLACED)


def has_current_diploma(*, applicant: Applicant) -> bool:
    return (
        current_documents(applicant=applicant)
        .filter(kind=Document.Kind.DIPLOMA)
        .exclude(status=Document.Status.REJECTED)
        .exists()
    )


# --- School verification (R-ED-8) -------------------------------------------
# What the applicant sees of it is the journey's (applicants.selectors.journey._school_check).


def school_answers_awaiting_review() -> QuerySet[SchoolVerificationRequest]:
    """The staff review queue: answered requests, oldest answer first."""
    return (
        SchoolVerificationRequest.objects.filter(status=SchoolVerificationRequest.Status.ANSWERED)
        .select_related("applicant", "school", "diploma", "transcript")
        .order_by("answered_at", "pk")
    )


def response_documents(verification: SchoolVerificationRequest) -> list[Document]:
    """What the school is shown: the diploma and its current translation(s)."""
    translations = current_documents(applicant=verification.applicant).filter(
        kind=Document.Kind.TRANSLATION,
        status__in=[
            Document.Status.RECEIVED,
            Document.Status.SENT_FOR_VERIFICATION,
            Document.Status.VERIFIED,
        ],
    )
    return [verification.diploma, *translations.order_by("-created_at")[:1]]


@dataclass(frozen=True)
class TurnaroundRow:
    label: str
    answered: int
    median_days: float
    p90_days: float


def _percentile(sorted_values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (the same as numpy's default)."""
    if len(sorted_values) == 1:
        return sorted_values[0]
    position = (len(sorted_values) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def school_turnaround(*, since: datetime.datetime | None = None) -> dict[str, list[TurnaroundRow]]:
    """Median and 90th-percentile days from request to the school's answer, per country
    and per school (one query; answered requests only)."""
    rows = SchoolVerificationRequest.objects.filter(answered_at__isnull=False)
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    by_country: dict[str, list[float]] = defaultdict(list)
    by_school: dict[str, list[float]] = defaultdict(list)
    for created_at, answered_at, country, name, imed_id in rows.values_list(
        "created_at", "answered_at", "school__country", "school__name", "school__imed_id"
    ):
        assert answered_at is not None  # filtered above
        days = (answered_at - created_at).total_seconds() / 86400
        by_country[country].append(days)
        by_school[f"{name} ({imed_id})"].append(days)

    def table(groups: dict[str, list[float]]) -> list[TurnaroundRow]:
        result = []
        for label, values in groups.items():
            values.sort()
            result.append(
                TurnaroundRow(
                    label=label,
                    answered=len(values),
                    median_days=round(_percentile(values, 0.5), 1),
                    p90_days=round(_percentile(values, 0.9), 1),
                )
            )
        return sorted(result, key=lambda r: (-r.p90_days, r.label))

    return {"country": table(by_country), "school": table(by_school)}

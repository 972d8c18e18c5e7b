"""Reads about credentials. Imports only credentials' own models (exams reads it)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from applicants.models import Applicant

from .models import Document, SchoolVerificationRequest, VerificationEmail


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


@dataclass(frozen=True)
class VerificationStatus:
    """What the applicant's dashboard shows about the school's verification of the diploma."""

    state: str  # SchoolVerificationRequest.Status value
    label: str  # the words the applicant knows: "Sent for verification", "Verified", ...
    school_name: str
    sent_on: datetime.date
    reminders_sent_on: tuple[datetime.date, ...]
    answered_on: datetime.date | None
    decided_on: datetime.date | None
    reason: str  # why it was not verified, shown with what to do


def verification_status_for_applicant(applicant: Applicant) -> VerificationStatus | None:
    """The latest school verification of the applicant's diploma, or None (2 queries)."""
    verification = (
        SchoolVerificationRequest.objects.filter(applicant=applicant)
        .select_related("school", "diploma")
        .order_by("-created_at", "-pk")
        .first()
    )
    if verification is None:
        return None
    reminders = tuple(
        timezone.localdate(sent_at)
        for sent_at in VerificationEmail.objects.filter(
            request=verification,
            kind=VerificationEmail.Kind.SCHOOL_REMINDER,
            status=VerificationEmail.Status.SENT,
        )
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
        if sent_at is not None
    )
    status = SchoolVerificationRequest.Status
    if verification.status == status.SENT:
        label = "Sent for verification"
    elif verification.status == status.ANSWERED:
        label = "Sent for verification: your school has answered; ECFMG is evaluating the answer"
    elif verification.status == status.ACCEPTED:
        label = "Verified"
    elif verification.status == status.REJECTED:
        label = verification.diploma.get_status_display()
    else:
        label = "Verification request withdrawn by ECFMG"
    return VerificationStatus(
        state=verification.status,
        label=label,
        school_name=verification.school.name,
        sent_on=timezone.localdate(verification.created_at),
        reminders_sent_on=reminders,
        answered_on=timezone.localdate(verification.answered_at) if verification.answered_at else None,
        decided_on=timezone.localdate(verification.decided_at) if verification.decided_at else None,
        reason=verification.decision_reason if verification.status == status.REJECTED else "",
    )


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

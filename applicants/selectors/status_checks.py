"""Who checked the applicant's certification status (R-VE-1), one line per organization."""

from __future__ import annotations

from django.db.models import Count, Max
from django.utils import timezone

from applicants.models import Applicant
from verification.models import Organization, VerificationReport

from .types import StatusCheck


def status_checks_for_applicant(applicant: Applicant, *, limit: int = 20) -> tuple[StatusCheck, ...]:
    """Grouped by organization, with how many times and the last date, most recent
    first (one query). Only answered requests name an applicant."""
    rows = (
        VerificationReport.objects.filter(applicant=applicant)
        .values("organization__name", "organization__kind")
        .annotate(count=Count("pk"), last=Max("generated_at"))
        .order_by("-last")[:limit]
    )
    kinds = dict(Organization.Kind.choices)
    return tuple(
        StatusCheck(
            organization=row["organization__name"],
            kind=str(kinds.get(row["organization__kind"], row["organization__kind"])),
            count=row["count"],
            last_on=timezone.localdate(row["last"]),
        )
        for row in rows
    )

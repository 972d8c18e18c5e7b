"""Who checked the status, as the dashboard reads it (one statement written out),
equals the ORM's grouped reading on generated applicants and organizations."""

from __future__ import annotations

import datetime
import random
import uuid

import pytest
from django.db.models import Count, Max
from django.utils import timezone

from applicants.loadgen.generate import generate_load_data
from applicants.models import Applicant
from applicants.selectors import status_checks_for_applicant
from verification.models import Organization, VerificationReport

pytestmark = pytest.mark.django_db


def _the_orm_reading(applicant: Applicant, limit: int) -> list[tuple[str, str, int, datetime.date]]:
    rows = (
        VerificationReport.objects.filter(applicant=applicant)
        .values("organization__name", "organization__kind")
        .annotate(count=Count("pk"), last=Max("generated_at"))
        .order_by("-last")[:limit]
    )
    kinds = dict(Organization.Kind.choices)
    return [
        (
            r["organization__name"],
            str(kinds[r["organization__kind"]]),
            r["count"],
            timezone.localdate(r["last"]),
        )
        for r in rows
    ]


def test_the_written_statement_answers_as_the_orm(django_assert_num_queries):
    generate_load_data(applicants=60, seed=21, schools=20, programs=6, authorities=3, batch_size=100)
    rng = random.Random(21)
    organizations = list(Organization.objects.order_by("pk"))
    applicants = list(Applicant.objects.order_by("pk"))
    now = timezone.now()
    reports: list[VerificationReport] = []
    for n, applicant in enumerate(applicants[: len(applicants) // 2]):
        for _ in range(rng.randint(0, 12)):
            reports.append(
                VerificationReport(
                    verification_code=uuid.uuid4().hex,
                    organization=rng.choice(organizations),
                    applicant=applicant,
                    payload={"n": n},
                    # Distinct instants: the order of equal ones is the database's own.
                    generated_at=now - datetime.timedelta(days=rng.randint(0, 900), seconds=len(reports)),
                )
            )
    VerificationReport.objects.bulk_create(reports)

    seen_groups = set()
    for applicant in applicants:
        for limit in (20, 2):
            with django_assert_num_queries(1):
                checks = status_checks_for_applicant(applicant, limit=limit)
            assert [(c.organization, c.kind, c.count, c.last_on) for c in checks] == _the_orm_reading(
                applicant, limit
            )
            seen_groups.add(len(checks))
    # Applicants with no check, one organization, and more than the limit.
    assert {0, 1, 2} <= seen_groups and max(seen_groups) > 2

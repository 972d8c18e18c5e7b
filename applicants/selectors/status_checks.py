"""Who checked the applicant's certification status (R-VE-1), one line per organization."""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.utils import timezone

from applicants.models import Applicant
from verification.models import Organization, VerificationReport

from .journey_rows import moment_from_database, quoted_column, quoted_table
from .types import StatusCheck


def status_checks_for_applicant(applicant: Applicant, *, limit: int = 20) -> tuple[StatusCheck, ...]:
    """Grouped by organization, with how many times and the last date, most recent
    first (one query). Only answered requests name an applicant."""
    with connection.cursor() as cursor:
        cursor.execute(_statement(), (applicant.pk, limit))
        rows = cursor.fetchall()
    kinds = dict(Organization.Kind.choices)
    return tuple(
        StatusCheck(
            organization=name,
            kind=str(kinds.get(kind, kind)),
            count=count,
            last_on=timezone.localdate(moment_from_database(last)),
        )
        for name, kind, count, last in rows
    )


@cache
def _statement() -> str:
    """The ORM's grouped ``values()`` read, written out once per process: Django
    building and compiling it was most of its 1.5 ms a dashboard. The same answers
    as the ORM's (applicants/tests/test_status_checks_reading.py)."""
    column = quoted_column
    reports, organizations = quoted_table(VerificationReport), quoted_table(Organization)
    name, kind = column(Organization, "name"), column(Organization, "kind")
    last = f"MAX(r.{column(VerificationReport, 'generated_at')})"
    # Identifiers come from the models' metadata; the applicant and the limit are parameters.
    return (
        f"SELECT o.{name}, o.{kind}, COUNT(r.{column(VerificationReport, 'id')}), {last}"  # noqa: S608
        f" FROM {reports} r INNER JOIN {organizations} o"
        f" ON o.{column(Organization, 'id')} = r.{column(VerificationReport, 'organization')}"
        f" WHERE r.{column(VerificationReport, 'applicant')} = %s"
        f" GROUP BY o.{name}, o.{kind} ORDER BY {last} DESC LIMIT %s"
    )

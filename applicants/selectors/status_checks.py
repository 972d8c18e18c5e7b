"""Who checked the applicant's certification status (R-VE-1), one line per organization."""

from __future__ import annotations

import datetime
from functools import cache

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from applicants.models import Applicant
from verification.models import Organization, VerificationReport

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
            last_on=timezone.localdate(_moment(last)),
        )
        for name, kind, count, last in rows
    )


def _moment(value: datetime.datetime | str) -> datetime.datetime:
    """PostgreSQL gives the aggregate as a datetime; SQLite as Django's naive text,
    which Django reads in the connection's time zone."""
    moment = value if isinstance(value, datetime.datetime) else parse_datetime(value)
    if moment is None:
        raise ValueError(f"not a timestamp: {value!r}")
    if settings.USE_TZ and timezone.is_naive(moment):
        return timezone.make_aware(moment, connection.timezone)
    return moment


@cache
def _statement() -> str:
    """The ORM's grouped ``values()`` read, written out once per process: Django
    building and compiling it was most of its 1.5 ms a dashboard. The same answers
    as the ORM's (applicants/tests/test_status_checks_reading.py)."""
    quote = connection.ops.quote_name

    def column(model: type[Organization | VerificationReport], name: str) -> str:
        return quote(model._meta.get_field(name).column)  # type: ignore[union-attr, arg-type]

    reports, organizations = (quote(m._meta.db_table) for m in (VerificationReport, Organization))
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

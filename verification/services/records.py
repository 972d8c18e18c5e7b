"""Storing a verification report together with its request log.

The report and the log line that names it are one fact: both are written or neither.
On PostgreSQL they go in as one statement (a data-modifying WITH), which is atomic by
itself and saves the two round trips of BEGIN/COMMIT around two INSERTs; the API's
hottest path is dominated by round trips, not by work. Other databases get the same two
rows from the ORM inside one transaction. The columns and values come from the models'
own fields (defaults, ``auto_now_add``, JSON adaptation), so nothing is spelled twice.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connection, models, transaction

from ..models import VerificationReport, VerificationRequest


def _stored_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]


@cache
def _insert_sql() -> str:
    quote = connection.ops.quote_name

    def insert(model: type[models.Model]) -> str:
        fields = _stored_fields(model)
        columns = ", ".join(quote(str(f.column)) for f in fields)
        values = ", ".join(["%s"] * len(fields))
        # Identifiers from the models' metadata; every value is a parameter.
        return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608

    log_pk = quote(str(VerificationRequest._meta.pk.column))
    return f"WITH report AS ({insert(VerificationReport)}) {insert(VerificationRequest)} RETURNING {log_pk}"


def _values(obj: models.Model) -> list[Any]:
    return [
        field.get_db_prep_save(field.pre_save(obj, add=True), connection)
        for field in _stored_fields(type(obj))
    ]


def report_and_log_insert(report: VerificationReport, log: VerificationRequest) -> None:
    """Store both rows, all or nothing; afterwards both objects are saved instances."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            report.save(force_insert=True)
            log.save(force_insert=True)
        return
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(), [*_values(report), *_values(log)])
        (log.pk,) = cursor.fetchone()
    report._state.adding = False
    log._state.adding = False

"""The rows the applicant's journey is derived from, in a fixed number of queries.

One statement for the file whatever its size (documents, document history, exam
results, exam applications, ledger entries, the latest school verification), plus
one to load the applicant when the caller has not loaded it with
``journey_applicants()``. The applicant pages load it that way
(``journey_applicant_of_user``), so the dashboard runs five queries (session, user,
applicant, file, who checked the status).

The dashboard runs these on every request, and for one applicant's few rows most
of their cost is Python, not the rows: Django building and compiling statements.
So the signed-in applicant and the file are each one statement written once per
process, read back as model instances the way the ORM makes them (the user the
request holds is attached, not joined again); ``journey_applicants()`` is built
once per process and cloned (docs/benchmarks.md, "Dashboard, changed").
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from django.conf import settings
from django.db import connection
from django.db.models import Exists, Field, Model, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from applicants.models import Applicant, LedgerEntry
from certificates.models import Certificate
from credentials.models import Document, DocumentEvent, EligibilityRange, School
from credentials.models_verification import SchoolVerificationRequest, VerificationEmail
from exams.models import ExamApplication, ExamResult

if TYPE_CHECKING:
    from applicants.models import User

# How much history the dashboard's timeline shows.
HISTORY_LIMIT = 25
_RELATIONS = ("user", "school", "transfer_school", "certificate")


@cache
def _journey_applicants() -> QuerySet[Applicant]:
    """Built once per process: resolving the two ``EXISTS`` and their ``OuterRef``s
    cost 1.6 ms a request. Callers get clones (``.all()``, ``.filter()``); this one
    is never evaluated, so it holds no rows."""
    graduation_year = ExtractYear(OuterRef("graduation_date"))
    listed_for_year = EligibilityRange.objects.filter(
        school_id=OuterRef("school_id"), start_year__lte=graduation_year
    ).filter(Q(end_year__isnull=True) | Q(end_year__gte=graduation_year))
    return Applicant.objects.select_related(*_RELATIONS).annotate(
        school_listed_for_graduation=Exists(listed_for_year),
        transfer_school_listed=Exists(
            EligibilityRange.objects.filter(school_id=OuterRef("transfer_school_id"))
        ),
    )


def journey_applicants() -> QuerySet[Applicant]:
    """Applicants with everything the journey reads from their own row, in one query:
    the user, both schools, the certificate, and whether IMED lists the degree school
    for the graduation year and lists the transfer school at all (R-ED-1, R-ED-2)."""
    return _journey_applicants().all()


def journey_applicant_of_user(user: User) -> Applicant | None:
    """The signed-in user's applicant as ``journey_applicants()`` loads it, in one
    statement (``_applicant_statement``), without loading the user a second time:
    the one the request already holds is attached."""
    with connection.cursor() as cursor:
        cursor.execute(_applicant_statement(connection.vendor), (user.pk,))
        row = cursor.fetchone()
    if row is None:
        return None
    applicant_row, school, transfer_school, certificate, listed_for_graduation, transfer_listed = row
    applicant = _APPLICANT.instance(json.loads(applicant_row))
    applicant.user = user
    # As select_related leaves them: a missing school or certificate is known missing.
    applicant.school = school and _SCHOOL.instance(json.loads(school))
    applicant.transfer_school = transfer_school and _SCHOOL.instance(json.loads(transfer_school))
    _CERTIFICATE_OF.set_cached_value(applicant, None)
    if certificate is not None:
        loaded = _CERTIFICATE.instance(json.loads(certificate))
        _CERTIFICATE_OF.set_cached_value(applicant, loaded)
        _CERTIFICATE_OF.field.set_cached_value(loaded, applicant)
    applicant.school_listed_for_graduation = bool(listed_for_graduation)  # type: ignore[attr-defined]
    applicant.transfer_school_listed = bool(transfer_listed)  # type: ignore[attr-defined]
    return applicant


def loaded_for_journey(applicant: Applicant) -> Applicant:
    """The applicant as ``journey_applicants()`` loads it: reused when it already is."""
    cached = applicant._state.fields_cache
    if hasattr(applicant, "school_listed_for_graduation") and all(name in cached for name in _RELATIONS):
        return applicant
    return journey_applicants().get(pk=applicant.pk)


@dataclass(frozen=True)
class JourneyRows:
    documents: tuple[Document, ...]  # current ones (not replaced), newest first
    history: tuple[DocumentEvent, ...]  # newest first, each with its document
    results: tuple[ExamResult, ...]  # by test date
    applications: tuple[ExamApplication, ...]  # oldest first
    ledger: tuple[LedgerEntry, ...]  # oldest first
    # The latest SchoolVerificationRequest, with its school and the reminders sent to
    # the school (``reminder_count``, ``last_reminder_at``), or None.
    school_request: Any


def journey_rows(applicant: Applicant) -> JourneyRows:
    """The six sets in one statement (``_file_statement``): model instances equal to
    the ORM's, in the order the six querysets gave them."""
    with connection.cursor() as cursor:
        cursor.execute(_file_statement(connection.vendor), _file_parameters(applicant.pk))
        documents, events, results, applications, ledger, school_request = cursor.fetchone()
    every_document = sorted(_DOCUMENT.instances(documents), key=_by_created, reverse=True)
    by_id = {document.pk: document for document in every_document}
    history = sorted(_EVENT.instances(events), key=lambda event: (event.at, event.pk), reverse=True)
    for event in history:
        # The statement joins each event to one of the applicant's documents.
        event.document = by_id[event.document_id]
    return JourneyRows(
        documents=tuple(d for d in every_document if d.status != Document.Status.REPLACED),
        history=tuple(history),
        results=tuple(sorted(_RESULT.instances(results), key=lambda result: (result.test_date, result.pk))),
        applications=tuple(sorted(_APPLICATION.instances(applications), key=_by_created)),
        ledger=tuple(sorted(_LEDGER.instances(ledger), key=_by_created)),
        school_request=_school_request(school_request),
    )


def _by_created(row: Document | ExamApplication | LedgerEntry) -> tuple[datetime.datetime, int]:
    return row.created_at, row.pk


def _school_request(text: str | None) -> SchoolVerificationRequest | None:
    if text is None:
        return None
    values = json.loads(text)
    request_ends = len(_REQUEST.fields)
    school_ends = request_ends + len(_SCHOOL.fields)
    request = _REQUEST.instance(values[:request_ends])
    request.school = _SCHOOL.instance(values[request_ends:school_ends])
    count, last = values[school_ends:]
    request.reminder_count = count  # type: ignore[attr-defined]
    request.last_reminder_at = last and moment_from_database(last)  # type: ignore[attr-defined]
    return request


# --- The statement -------------------------------------------------------------
#
# Run by the ORM, the six sets were six statements, and for one applicant's few rows
# most of their cost was Django building and compiling them (ORDER BY resolution and
# 8-21 columns each, about 1.3 ms a statement; docs/benchmarks.md, "Dashboard,
# changed"). One statement, written once per process, returns each set as one JSON
# array of rows, each row an array of the model's concrete columns in field order,
# and ``Model.from_db`` makes the instances as the ORM does. The sets are sorted in
# Python, not in the aggregate: SQLite before 3.44 has no ORDER BY inside one.
# applicants/tests/test_journey_rows_readings.py holds the answers equal to the six
# querysets' on generated applicants, on SQLite and PostgreSQL.

M = TypeVar("M", bound=Model)
Reading = Callable[[Any], Any]
# Kinds of field whose values JSON gives back as the ORM would (numbers, text, NULL).
# A field of another kind fails when this module is imported, not on a page.
_AS_JSON_GIVES_IT = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "CharField",
        "FileField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


def moment_from_database(value: datetime.datetime | str) -> datetime.datetime:
    """A timestamp read past the ORM: PostgreSQL gives a datetime, or in JSON text with
    its offset; SQLite holds Django's naive text, which Django reads in the connection's
    time zone."""
    moment = value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(value)
    if settings.USE_TZ and timezone.is_naive(moment):
        return timezone.make_aware(moment, connection.timezone)
    return moment


def _reading(field: Field[Any, Any]) -> Reading | None:
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return moment_from_database
    if kind == "DateField":
        return datetime.date.fromisoformat
    if kind == "DecimalField":
        # The statement writes it as text: as a JSON number it would pass through a float.
        quantum = Decimal(1).scaleb(-field.decimal_places)  # type: ignore[attr-defined]
        return lambda text: Decimal(text).quantize(quantum)
    if kind == "BooleanField":
        return bool  # SQLite writes 0 and 1
    if kind in _AS_JSON_GIVES_IT:
        return None
    raise TypeError(f"{field}: no reading from JSON written for a {kind}")


@dataclass(frozen=True)
class _Columns(Generic[M]):
    """A model's concrete columns as the statement writes them and as they are read back."""

    model: type[M]
    fields: tuple[Field[Any, Any], ...]
    attnames: tuple[str, ...]
    readings: tuple[tuple[int, Reading], ...]  # where JSON cannot hold the ORM's value

    @classmethod
    def of(cls, model: type[M]) -> _Columns[M]:
        fields = tuple(model._meta.concrete_fields)
        readings = ((n, _reading(field)) for n, field in enumerate(fields))
        return cls(
            model,
            fields,
            tuple(field.attname for field in fields),
            tuple((n, read) for n, read in readings if read is not None),
        )

    def sql(self, alias: str) -> str:
        """The columns, in field order, of the table named ``alias``."""
        quote = connection.ops.quote_name
        return ", ".join(
            f"CAST({alias}.{quote(cast(str, field.column))} AS TEXT)"
            if field.get_internal_type() == "DecimalField"
            else f"{alias}.{quote(cast(str, field.column))}"
            for field in self.fields
        )

    def instance(self, values: list[Any]) -> M:
        for n, read in self.readings:
            if values[n] is not None:
                values[n] = read(values[n])
        return self.model.from_db(connection.alias, self.attnames, values)

    def instances(self, text: str | None) -> list[M]:
        # PostgreSQL's json_agg over no row is NULL, SQLite's json_group_array is [].
        return [self.instance(values) for values in json.loads(text)] if text else []


_DOCUMENT = _Columns.of(Document)
_EVENT = _Columns.of(DocumentEvent)
_RESULT = _Columns.of(ExamResult)
_APPLICATION = _Columns.of(ExamApplication)
_LEDGER = _Columns.of(LedgerEntry)
_REQUEST = _Columns.of(SchoolVerificationRequest)
_SCHOOL = _Columns.of(School)
_APPLICANT = _Columns.of(Applicant)
_CERTIFICATE = _Columns.of(Certificate)
_CERTIFICATE_OF = Applicant._meta.get_field("certificate")  # the reverse one-to-one
# The e-mails counted as the school's reminders.
_SENT_REMINDER = (str(VerificationEmail.Kind.SCHOOL_REMINDER), str(VerificationEmail.Status.SENT))


def _file_parameters(applicant_id: int) -> tuple[Any, ...]:
    """In the order ``_file_statement`` names them."""
    return (applicant_id,) * 5 + _SENT_REMINDER * 2 + (applicant_id,)


def quoted_table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def quoted_column(model: type[Model], name: str) -> str:
    """A field's column, quoted, for the statements written out below."""
    return connection.ops.quote_name(model._meta.get_field(name).column)  # type: ignore[union-attr, arg-type]


@cache
def _file_statement(vendor: str) -> str:
    """The six sets, each one JSON text (the latest school request: one row or NULL).
    The text holds only the models' own table and column names; every value is a
    parameter (``_file_parameters``)."""
    if vendor == "postgresql":
        aggregate, array = "json_agg", "json_build_array"
    elif vendor == "sqlite":
        aggregate, array = "json_group_array", "json_array"
    else:
        raise NotImplementedError(f"journey_rows: no statement written for {vendor}")

    def rows_of(columns: _Columns[Any], source: str) -> str:
        return f"(SELECT CAST({aggregate}({array}({columns.sql('t')})) AS TEXT) FROM {source})"  # noqa: S608

    def of_applicant(model: type[Model]) -> str:
        return f"{quoted_table(model)} t WHERE t.{quoted_column(model, 'applicant')} = %s"

    latest_events = (
        f"(SELECT e.* FROM {quoted_table(DocumentEvent)} e INNER JOIN {quoted_table(Document)} d"  # noqa: S608
        f" ON d.{quoted_column(Document, 'id')} = e.{quoted_column(DocumentEvent, 'document')}"
        f" WHERE d.{quoted_column(Document, 'applicant')} = %s"
        f" ORDER BY e.{quoted_column(DocumentEvent, 'at')} DESC, e.{quoted_column(DocumentEvent, 'id')} DESC"
        f" LIMIT {int(HISTORY_LIMIT)}) t"
    )
    sent_reminders = (
        f"FROM {quoted_table(VerificationEmail)} e"
        f" WHERE e.{quoted_column(VerificationEmail, 'request')} = r.{quoted_column(SchoolVerificationRequest, 'id')}"
        f" AND e.{quoted_column(VerificationEmail, 'kind')} = %s AND e.{quoted_column(VerificationEmail, 'status')} = %s"
    )
    latest_request = (
        f"(SELECT CAST({array}({_REQUEST.sql('r')}, {_SCHOOL.sql('s')},"  # noqa: S608
        f" (SELECT COUNT(*) {sent_reminders}),"
        f" (SELECT MAX(e.{quoted_column(VerificationEmail, 'sent_at')}) {sent_reminders})) AS TEXT)"
        f" FROM {quoted_table(SchoolVerificationRequest)} r INNER JOIN {quoted_table(School)} s"
        f" ON s.{quoted_column(School, 'id')} = r.{quoted_column(SchoolVerificationRequest, 'school')}"
        f" WHERE r.{quoted_column(SchoolVerificationRequest, 'applicant')} = %s"
        f" ORDER BY r.{quoted_column(SchoolVerificationRequest, 'created_at')} DESC,"
        f" r.{quoted_column(SchoolVerificationRequest, 'id')} DESC LIMIT 1)"
    )
    return "SELECT " + ", ".join(
        (
            rows_of(_DOCUMENT, of_applicant(Document)),
            rows_of(_EVENT, latest_events),
            rows_of(_RESULT, of_applicant(ExamResult)),
            rows_of(_APPLICATION, of_applicant(ExamApplication)),
            rows_of(_LEDGER, of_applicant(LedgerEntry)),
            latest_request,
        )
    )


@cache
def _applicant_statement(vendor: str) -> str:
    """The applicant of a user (one parameter) as ``journey_applicants()`` reads it,
    without the user: its row, each school's, the certificate's (JSON or NULL), and
    the two IMED listings (R-ED-1, R-ED-2). Through the ORM, compiling this statement
    (four tables, two ``EXISTS``) was 2 of its 2.8 ms."""
    if vendor == "postgresql":
        array, year = "json_build_array", "EXTRACT(YEAR FROM a.{})"
    elif vendor == "sqlite":
        array, year = "json_array", "CAST(strftime('%%Y', a.{}) AS INTEGER)"
    else:
        raise NotImplementedError(f"journey_applicant_of_user: no statement written for {vendor}")

    def school(field: str) -> str:
        return (
            f"(SELECT CAST({array}({_SCHOOL.sql('s')}) AS TEXT) FROM {quoted_table(School)} s"  # noqa: S608
            f" WHERE s.{quoted_column(School, 'id')} = a.{quoted_column(Applicant, field)})"
        )

    ranges, graduated = (
        quoted_table(EligibilityRange),
        year.format(quoted_column(Applicant, "graduation_date")),
    )
    return (
        f"SELECT CAST({array}({_APPLICANT.sql('a')}) AS TEXT), {school('school')}, {school('transfer_school')},"  # noqa: S608
        f" (SELECT CAST({array}({_CERTIFICATE.sql('c')}) AS TEXT) FROM {quoted_table(Certificate)} c"
        f" WHERE c.{quoted_column(Certificate, 'applicant')} = a.{quoted_column(Applicant, 'id')}),"
        f" EXISTS(SELECT 1 FROM {ranges} e WHERE e.{quoted_column(EligibilityRange, 'school')} = a.{quoted_column(Applicant, 'school')}"
        f" AND e.{quoted_column(EligibilityRange, 'start_year')} <= {graduated}"
        f" AND (e.{quoted_column(EligibilityRange, 'end_year')} IS NULL OR e.{quoted_column(EligibilityRange, 'end_year')} >= {graduated})),"
        f" EXISTS(SELECT 1 FROM {ranges} e"
        f" WHERE e.{quoted_column(EligibilityRange, 'school')} = a.{quoted_column(Applicant, 'transfer_school')})"
        f" FROM {quoted_table(Applicant)} a WHERE a.{quoted_column(Applicant, 'user')} = %s"
    )

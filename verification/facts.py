"""What a verification report states about one applicant, read in one statement.

The Certification Verification Service is the portal's hottest path (docs/benchmarks.md):
organizations ask for thousands of reports an hour. Through the ORM one answer took five
statements and most of its time compiling queries and building model instances, so the
facts come from one hand-written SELECT instead: the applicant, the school, the
certificate, the first pass of each Step and the current diploma's status.
``tests/perf/test_verification_facts.py`` holds it to the ORM's answers on real data.

The SQL is built once per process, from the models' table and column names, and runs
unchanged on PostgreSQL and SQLite. On PostgreSQL it is a prepared statement of each
connection: planning the statement took longer (0.4 to 1.1 ms) than running it (0.1 ms),
and a prepared statement is planned once per connection, not once per request.
"""

from __future__ import annotations

import datetime
import weakref
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import DatabaseError, connection

from applicants.models import Applicant
from applicants.services.identity import fold_name, usmle_id_is_valid
from certificates.models import Certificate
from credentials.models import Document, School
from exams.models import Exam, ExamResult


@dataclass(frozen=True)
class CertificateFacts:
    number: str
    exam_requirements_met_on: datetime.date
    issued_on: datetime.date
    is_revoked: bool
    revoked_on: datetime.date | None


@dataclass(frozen=True)
class VerificationFacts:
    applicant_id: int
    usmle_id: str
    given_names: str
    last_name: str
    date_of_birth: datetime.date | None
    graduation_date: datetime.date | None
    school_name: str | None
    school_country: str | None
    certificate: CertificateFacts | None
    # The first pass of each Step, by exam code; a Step not passed is absent.
    passes: dict[str, datetime.date]
    # The current diploma's status code (``Document.Status``), or None before any upload.
    diploma_status: str | None


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)  # type: ignore[attr-defined]


def _column(model: type, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)  # type: ignore[attr-defined]


@cache
def _facts_sql(usmle_id: str = "%s", date_of_birth: str = "%s") -> tuple[str, tuple[str, ...]]:
    """The statement and its fixed parameters (exam codes, outcome, diploma kind); the
    two placeholders of the request's own values are %s unless named."""
    a, s, c = _table(Applicant), _table(School), _table(Certificate)
    r, d = _table(ExamResult), _table(Document)
    col = _column
    # Identifiers come from the models' metadata, never from input; values are parameters.
    first_pass = (
        f"(SELECT MIN(r.{col(ExamResult, 'test_date')}) FROM {r} r "  # noqa: S608
        f"WHERE r.{col(ExamResult, 'applicant')} = a.{col(Applicant, 'id')} "
        f"AND r.{col(ExamResult, 'outcome')} = %s AND r.{col(ExamResult, 'exam')} = %s)"
    )
    diploma = (
        f"(SELECT d.{col(Document, 'status')} FROM {d} d "  # noqa: S608
        f"WHERE d.{col(Document, 'applicant')} = a.{col(Applicant, 'id')} "
        f"AND d.{col(Document, 'kind')} = %s AND d.{col(Document, 'status')} <> %s "
        f"ORDER BY d.{col(Document, 'created_at')} DESC, d.{col(Document, 'id')} DESC LIMIT 1)"
    )
    passes = ", ".join(first_pass for _ in Exam.values)
    sql = (
        f"SELECT a.{col(Applicant, 'id')}, a.{col(Applicant, 'usmle_id')}, "  # noqa: S608
        f"a.{col(Applicant, 'given_names')}, a.{col(Applicant, 'last_name')}, "
        f"a.{col(Applicant, 'date_of_birth')}, a.{col(Applicant, 'graduation_date')}, "
        f"s.{col(School, 'name')}, s.{col(School, 'country')}, "
        f"c.{col(Certificate, 'number')}, c.{col(Certificate, 'exam_requirements_met_on')}, "
        f"c.{col(Certificate, 'issued_on')}, c.{col(Certificate, 'status')}, "
        f"c.{col(Certificate, 'revoked_on')}, {passes}, {diploma} "
        f"FROM {a} a "
        f"LEFT JOIN {s} s ON s.{col(School, 'id')} = a.{col(Applicant, 'school')} "
        f"LEFT JOIN {c} c ON c.{col(Certificate, 'applicant')} = a.{col(Applicant, 'id')} "
        f"WHERE a.{col(Applicant, 'usmle_id')} = {usmle_id} "
        f"AND a.{col(Applicant, 'date_of_birth')} = {date_of_birth}"
    )
    fixed: list[str] = []
    for exam in Exam.values:
        fixed += [ExamResult.Outcome.PASS, exam]
    fixed += [Document.Kind.DIPLOMA, Document.Status.REPLACED]
    return sql, tuple(fixed)


PREPARED_NAME = "verification_facts"
# The PostgreSQL connections (psycopg2's own objects) this process has prepared the
# statement on. A closed or replaced connection drops out by itself, and its successor
# prepares again: a prepared statement lives as long as its connection.
_prepared_on: weakref.WeakSet[Any] = weakref.WeakSet()
# PostgreSQL's error codes for "no prepared statement of that name" (something else on
# the session ran DEALLOCATE or DISCARD) and "one of that name exists already" (a PREPARE
# went through but the EXECUTE sent with it failed, e.g. cancelled).
_NO_SUCH_STATEMENT = "26000"
_ALREADY_PREPARED = "42P05"


@cache
def _prepare_sql() -> tuple[str, tuple[str, ...]]:
    """PREPARE of the facts SELECT: the fixed values go in as literals (psycopg2 quotes
    them), the request's two as $1 and $2, so the plan is made once for every request."""
    sql, fixed = _facts_sql("$1", "$2")
    return f"PREPARE {PREPARED_NAME} (varchar, date) AS {sql}", fixed


def _execute_sql() -> str:
    return f"EXECUTE {PREPARED_NAME} (%s, %s)"


def facts_row(
    usmle_id: str, date_of_birth: datetime.date, *, prepared: bool = True
) -> tuple[Any, ...] | None:
    """The facts SELECT's row: through the connection's prepared statement on PostgreSQL
    (``prepared=False``: the plain statement, as on SQLite). One round trip either way:
    the first use on a connection sends PREPARE and EXECUTE together."""
    if connection.vendor != "postgresql" or not prepared:
        sql, fixed = _facts_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, [*fixed, usmle_id, date_of_birth])
            return cursor.fetchone()
    with connection.cursor() as cursor:
        raw = connection.connection
        try:
            return _execute_prepared(cursor, raw, usmle_id, date_of_birth)
        except DatabaseError as error:
            code = getattr(error.__cause__, "pgcode", None)
            if code == _ALREADY_PREPARED:
                _prepared_on.add(raw)
            else:
                _prepared_on.discard(raw)
            # Outside a transaction the failed statement left nothing to roll back: try
            # once more at once. Inside one, the transaction is aborted; the next one
            # finds the connection's state known and right.
            if code not in (_NO_SUCH_STATEMENT, _ALREADY_PREPARED) or connection.in_atomic_block:
                raise
            return _execute_prepared(cursor, raw, usmle_id, date_of_birth)


def _execute_prepared(
    cursor: Any, raw: Any, usmle_id: str, date_of_birth: datetime.date
) -> tuple[Any, ...] | None:
    if raw in _prepared_on:
        cursor.execute(_execute_sql(), [usmle_id, date_of_birth])
    else:
        prepare, fixed = _prepare_sql()
        cursor.execute(f"{prepare}; {_execute_sql()}", [*fixed, usmle_id, date_of_birth])
        _prepared_on.add(raw)
    return cursor.fetchone()


def _date(value: object) -> datetime.date | None:
    """SQLite hands dates back as ISO text; PostgreSQL as dates."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def verification_facts(
    *, usmle_id: str, last_name: str, date_of_birth: datetime.date
) -> VerificationFacts | None:
    """The facts for the one applicant matching all three, or None whichever is wrong.

    The last name is compared case- and accent-insensitively ("NUNEZ" finds "Núñez") by
    folding the name as recorded (R-ID-3). One statement; none for a malformed ID or an
    empty name.
    """
    folded = fold_name(last_name)
    if not folded or not usmle_id_is_valid(usmle_id):
        return None
    row = facts_row(usmle_id, date_of_birth)
    if row is None or fold_name(row[3]) != folded:
        return None
    exams = len(Exam.values)
    pass_dates = row[13 : 13 + exams]
    certificate = None
    if row[8] is not None:
        certificate = CertificateFacts(
            number=row[8],
            exam_requirements_met_on=_date(row[9]),  # type: ignore[arg-type]
            issued_on=_date(row[10]),  # type: ignore[arg-type]
            is_revoked=row[11] == Certificate.Status.REVOKED,
            revoked_on=_date(row[12]),
        )
    return VerificationFacts(
        applicant_id=row[0],
        usmle_id=row[1],
        given_names=row[2],
        last_name=row[3],
        date_of_birth=_date(row[4]),
        graduation_date=_date(row[5]),
        school_name=row[6],
        school_country=row[7],
        certificate=certificate,
        passes={
            exam: day
            for exam, value in zip(Exam.values, pass_dates, strict=True)
            if (day := _date(value)) is not None
        },
        diploma_status=row[13 + exams],
    )

"""The verification report's one-statement read (verification/facts.py) says exactly what
the ORM says, on generated applicants at every stage: certified, revoked, with and
without passes, diplomas in every state, schools or none."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from applicants.loadgen.generate import generate_load_data
from applicants.models import Applicant
from applicants.tests.factories import ApplicantFactory
from certificates.models import Certificate
from credentials.models import Document
from exams.models import ExamResult
from verification import facts as facts_module
from verification.facts import PREPARED_NAME, facts_row, verification_facts

pytestmark = pytest.mark.django_db


def _certificate_row(certificate) -> tuple | None:
    """What the report states of a certificate, from a model or from the facts alike."""
    if certificate is None:
        return None
    return (
        certificate.number,
        certificate.exam_requirements_met_on,
        certificate.issued_on,
        certificate.is_revoked,
        certificate.revoked_on,
    )


def _through_the_orm(applicant: Applicant) -> dict:
    passes: dict = {}
    for exam, day in (
        ExamResult.objects.filter(applicant=applicant, outcome=ExamResult.Outcome.PASS)
        .order_by("test_date")
        .values_list("exam", "test_date")
    ):
        passes.setdefault(exam, day)
    diploma = (
        Document.objects.filter(applicant=applicant, kind=Document.Kind.DIPLOMA)
        .exclude(status=Document.Status.REPLACED)
        .order_by("-created_at", "-id")
        .first()
    )
    certificate = Certificate.objects.filter(applicant=applicant).first()
    return {
        "applicant_id": applicant.pk,
        "usmle_id": applicant.usmle_id,
        "given_names": applicant.given_names,
        "last_name": applicant.last_name,
        "date_of_birth": applicant.date_of_birth,
        "graduation_date": applicant.graduation_date,
        "school": (applicant.school.name, applicant.school.country) if applicant.school else None,
        "certificate": _certificate_row(certificate),
        "passes": passes,
        "diploma_status": diploma.status if diploma else None,
    }


def _from_the_fast_read(applicant: Applicant) -> dict:
    facts = verification_facts(
        usmle_id=applicant.usmle_id,
        last_name=applicant.last_name.upper(),
        date_of_birth=applicant.date_of_birth,
    )
    assert facts is not None
    certificate = facts.certificate
    return {
        "applicant_id": facts.applicant_id,
        "usmle_id": facts.usmle_id,
        "given_names": facts.given_names,
        "last_name": facts.last_name,
        "date_of_birth": facts.date_of_birth,
        "graduation_date": facts.graduation_date,
        "school": (facts.school_name, facts.school_country) if facts.school_name is not None else None,
        "certificate": _certificate_row(certificate),
        "passes": facts.passes,
        "diploma_status": facts.diploma_status,
    }


def test_the_one_statement_read_equals_the_orm_for_every_generated_applicant():
    generate_load_data(applicants=300, seed=11, schools=40, programs=5, authorities=2, batch_size=300)
    # One revoked certificate, so that both certificate states are compared.
    Certificate.objects.filter(pk=Certificate.objects.order_by("pk").values("pk")[:1]).update(
        status=Certificate.Status.REVOKED, revoked_on=Certificate.objects.order_by("pk").first().issued_on
    )
    applicants = list(
        Applicant.objects.select_related("school").exclude(usmle_id=None).exclude(date_of_birth=None)
    )
    compared = [(_from_the_fast_read(a), _through_the_orm(a)) for a in applicants]
    assert all(fast == orm for fast, orm in compared)
    # The generated data covers what the read must get right.
    orm_answers = [orm for _, orm in compared]
    assert {bool(o["certificate"]) for o in orm_answers} == {True, False}
    assert any(o["certificate"] and o["certificate"][3] for o in orm_answers)
    assert len({o["diploma_status"] for o in orm_answers}) >= 3
    assert any(len(o["passes"]) >= 2 for o in orm_answers)


def test_a_wrong_last_name_or_birth_date_finds_nobody():
    generate_load_data(applicants=20, seed=12, schools=5, programs=2, authorities=1, batch_size=20)
    applicant = Applicant.objects.exclude(usmle_id=None).exclude(date_of_birth=None).first()
    assert verification_facts(
        usmle_id=applicant.usmle_id, last_name="Nobody", date_of_birth=applicant.date_of_birth
    ) is None  # fmt: skip
    assert verification_facts(
        usmle_id=applicant.usmle_id,
        last_name=applicant.last_name,
        date_of_birth=applicant.date_of_birth.replace(year=applicant.date_of_birth.year - 1),
    ) is None  # fmt: skip


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's; SQLite runs the plain statement")


def test_the_prepared_statement_answers_what_the_plain_one_does_for_every_generated_applicant():
    _postgresql_only()
    generate_load_data(applicants=300, seed=13, schools=40, programs=5, authorities=2, batch_size=300)
    identities = list(
        Applicant.objects.exclude(usmle_id=None)
        .exclude(date_of_birth=None)
        .values_list("usmle_id", "date_of_birth")
    )
    # Nobody as well: a birth date no applicant has.
    identities.append((identities[0][0], identities[0][1].replace(year=1900)))

    prepared = [facts_row(usmle_id, day) for usmle_id, day in identities]
    plain = [facts_row(usmle_id, day, prepared=False) for usmle_id, day in identities]

    assert prepared == plain
    assert prepared[-1] is None and all(row is not None for row in prepared[:-1])


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return [name for (name,) in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_the_statement_is_prepared_once_per_connection_in_the_same_round_trip():
    _postgresql_only()
    applicant = ApplicantFactory(date_of_birth=datetime.date(1990, 3, 14))
    connection.close()  # a new connection, as after a restart or CONN_MAX_AGE
    ask = dict(
        usmle_id=applicant.usmle_id, last_name=applicant.last_name, date_of_birth=applicant.date_of_birth
    )

    with CaptureQueriesContext(connection) as first:
        assert verification_facts(**ask) is not None
    with CaptureQueriesContext(connection) as second:
        assert verification_facts(**ask) is not None

    assert [q["sql"].split()[0] for q in first.captured_queries] == ["PREPARE"]
    assert f"; EXECUTE {PREPARED_NAME}" in first.captured_queries[0]["sql"]
    assert [q["sql"].split()[0] for q in second.captured_queries] == ["EXECUTE"]
    assert PREPARED_NAME in _prepared_statements()


def test_inside_a_transaction_a_lost_statement_fails_that_one_and_is_prepared_for_the_next():
    _postgresql_only()
    applicant = ApplicantFactory(date_of_birth=datetime.date(1990, 3, 14))
    ask = dict(
        usmle_id=applicant.usmle_id, last_name=applicant.last_name, date_of_birth=applicant.date_of_birth
    )
    assert verification_facts(**ask) is not None
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # as a connection pooler's reset would

    # The transaction is aborted by the failed EXECUTE: nothing can be retried in it.
    with pytest.raises(DatabaseError), transaction.atomic():
        verification_facts(**ask)

    assert verification_facts(**ask) is not None
    assert PREPARED_NAME in _prepared_statements()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_lost_statement_costs_no_failed_request():
    _postgresql_only()
    applicant = ApplicantFactory(date_of_birth=datetime.date(1990, 3, 14))
    ask = dict(
        usmle_id=applicant.usmle_id, last_name=applicant.last_name, date_of_birth=applicant.date_of_birth
    )
    assert verification_facts(**ask) is not None
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")

    assert verification_facts(**ask) == verification_facts(**ask)
    assert verification_facts(**ask) is not None
    assert PREPARED_NAME in _prepared_statements()


@pytest.mark.django_db(transaction=True)
def test_a_prepare_whose_execute_failed_is_not_prepared_twice():
    _postgresql_only()
    applicant = ApplicantFactory(date_of_birth=datetime.date(1990, 3, 14))
    ask = dict(
        usmle_id=applicant.usmle_id, last_name=applicant.last_name, date_of_birth=applicant.date_of_birth
    )
    assert verification_facts(**ask) is not None
    # The process forgets (as if the EXECUTE sent with the PREPARE had failed): the
    # connection still has the statement, and the next PREPARE of it is refused.
    facts_module._prepared_on.discard(connection.connection)

    assert verification_facts(**ask) is not None
    assert _prepared_statements().count(PREPARED_NAME) == 1

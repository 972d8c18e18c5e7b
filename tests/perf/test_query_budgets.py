"""Query budgets of the hot selectors and services: exact counts, the same for one
applicant or fifty, for a sparse record or a full one (no per-row query storm)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applicants.loadgen.generate import generate_load_data
from applicants.models import Applicant
from certificates.models import Certificate
from certificates.selectors import assessments_in_batches, facts_for_applicants
from verification.eras.selectors import status_payloads
from verification.facts import verification_facts
from verification.models import VerificationReport
from verification.selectors import public_check_by_code
from verification.services.reports import verification_report_create
from verification.tests.factories import issue_key

pytestmark = pytest.mark.django_db

# The facts loader (certificates/selectors.py): applicants with both schools joined, the
# schools' eligibility ranges, exam results, documents, balances, first exam applications.
FACTS_QUERIES = 6


@pytest.fixture
def applicants():
    """Applicants at every stage, with exams, ledgers, documents, certificates."""
    generate_load_data(applicants=200, seed=4, schools=60, programs=10, authorities=2, batch_size=200)
    return list(Applicant.objects.order_by("pk"))


def _with_id(applicants, *, certified):
    return [
        a for a in applicants if a.usmle_id and Certificate.objects.filter(applicant=a).exists() == certified
    ]


def test_facts_for_one_applicant_cost_the_same_as_for_fifty(applicants, django_assert_num_queries):
    # With a transfer school, so that both schools' ranges are read.
    transfer = next(a for a in applicants if a.transfer_school_id)
    others = [a.pk for a in applicants if a.pk != transfer.pk][:49]

    with django_assert_num_queries(FACTS_QUERIES):
        one = facts_for_applicants([transfer.pk])
    with django_assert_num_queries(FACTS_QUERIES):
        fifty = facts_for_applicants([transfer.pk, *others])

    assert len(one) == 1 and len(fifty) == 50


def test_a_sweep_costs_seven_queries_per_batch_whatever_the_number_of_applicants(
    applicants, django_assert_num_queries
):
    ids = [a.pk for a in applicants[:120]]  # batches of 50 -> 3 batches

    with django_assert_num_queries(3 * FACTS_QUERIES):
        assessed = list(assessments_in_batches(ids, batch_size=50))

    assert len(assessed) == 120


def test_the_verification_facts_are_one_query(applicants, django_assert_num_queries):
    applicant = _with_id(applicants, certified=True)[0]

    with django_assert_num_queries(1):
        found = verification_facts(
            usmle_id=applicant.usmle_id,
            last_name=applicant.last_name.upper(),
            date_of_birth=applicant.date_of_birth,
        )

    assert found is not None and found.applicant_id == applicant.pk


def test_a_malformed_usmle_id_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert verification_facts(
            usmle_id="12345678", last_name="Nunez", date_of_birth=datetime.date(1990, 1, 1)
        ) is None  # fmt: skip


def test_a_verification_report_costs_the_same_for_a_certified_and_a_new_applicant(applicants):
    api_key, _ = issue_key()
    certified = _with_id(applicants, certified=True)[0]
    newcomer = min(_with_id(applicants, certified=False), key=lambda a: a.documents.count())
    counts = []
    for applicant in (certified, newcomer):
        with CaptureQueriesContext(connection) as queries:
            verification_report_create(
                api_key=api_key,
                usmle_id=applicant.usmle_id,
                last_name=applicant.last_name,
                date_of_birth=applicant.date_of_birth,
            )
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert VerificationReport.objects.count() == 2


def test_public_check_is_one_query_for_a_report_and_two_for_a_certificate(
    applicants, django_assert_num_queries
):
    api_key, _ = issue_key()
    applicant = _with_id(applicants, certified=True)[0]
    report = verification_report_create(
        api_key=api_key,
        usmle_id=applicant.usmle_id,
        last_name=applicant.last_name,
        date_of_birth=applicant.date_of_birth,
    )

    certificate_code = applicant.certificate.verification_code

    with django_assert_num_queries(1):
        assert public_check_by_code(code=report.verification_code).kind == "report"
    with django_assert_num_queries(2):
        assert public_check_by_code(code=certificate_code).kind == "certificate"


def test_eras_status_payloads_cost_the_same_for_one_or_fifty_applicants(
    applicants, django_assert_num_queries
):
    with django_assert_num_queries(3):
        status_payloads([applicants[0].pk])
    with django_assert_num_queries(3):
        payloads = status_payloads([a.pk for a in applicants[:50]])

    assert len(payloads) == 50

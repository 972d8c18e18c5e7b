"""status_reports_refresh: one batch of queries whatever the number of programs and
applicants (what the benchmark measures for fan-out)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exams.models import ExamResult
from verification.eras.models import StatusReport, WebhookDelivery
from verification.eras.services import status_reports_refresh

from .conftest import apply, with_webhook
from .factories import ProgramFactory, applicant

pytestmark = pytest.mark.django_db


def refresh_queries(people) -> int:
    for person in people:
        ExamResult.objects.create(
            applicant=person, exam="STEP1", test_date=datetime.date(2025, 6, 1), outcome="pass"
        )
    with CaptureQueriesContext(connection) as queries:
        issued = status_reports_refresh(applicant_ids=[p.pk for p in people], cause="exam_result.pass")
    assert issued, "the pass must change the reports"
    return len(queries)


def test_queries_do_not_grow_with_programs_or_applicants(feed, receiver):
    one = applicant()
    apply(feed, one, with_webhook(ProgramFactory.create(), receiver.url))
    baseline = refresh_queries([one])

    many_programs = ProgramFactory.create_batch(12)
    for program in many_programs[:6]:
        with_webhook(program, receiver.url)
    people = [applicant() for _ in range(4)]
    for person in people:
        apply(feed, person, *many_programs)

    assert refresh_queries(people) == baseline
    assert StatusReport.objects.filter(version=2).count() == 4 * 12 + 1
    assert WebhookDelivery.objects.filter(report__version=2).count() == 4 * 6 + 1


def test_batches_bound_the_work_per_transaction(feed):
    people = [applicant() for _ in range(5)]
    program = ProgramFactory.create()
    for person in people:
        apply(feed, person, program)
        ExamResult.objects.create(
            applicant=person, exam="STEP1", test_date=datetime.date(2025, 6, 1), outcome="pass"
        )
    issued = status_reports_refresh(applicant_ids=[p.pk for p in people], cause="sweep", batch_size=2)
    assert len(issued) == 5

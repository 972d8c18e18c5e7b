"""The periodic sweep issues what a lost trigger missed, in bounded queries."""

from __future__ import annotations

import pytest

from certificates.models import Certificate
from certificates.selectors import applicants_without_certificate_ids, assessments_in_batches
from certificates.tasks import sweep_certification
from certificates.tests.factories import applicant_with
from exams.models import Exam

pytestmark = pytest.mark.django_db


def test_it_issues_for_eligible_applicants_only(fake_pdf, django_capture_on_commit_callbacks):
    # Facts written directly: no event fired, as if a trigger had been lost.
    ready = [applicant_with() for _ in range(3)]
    not_ready = applicant_with(exams=(Exam.STEP1,))
    owing = applicant_with(charges=("0.01",))
    with django_capture_on_commit_callbacks(execute=True):
        issued = sweep_certification.apply().get()
    assert issued == 3
    assert set(Certificate.objects.values_list("applicant_id", flat=True)) == {a.pk for a in ready}
    assert not Certificate.objects.filter(applicant__in=[not_ready, owing]).exists()
    # A second sweep finds nothing left to do.
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_certification.apply().get() == 0


def test_assessing_a_batch_costs_the_same_queries_for_more_applicants(django_assert_num_queries):
    for _ in range(2):
        applicant_with(exams=(Exam.STEP1,))
    with django_assert_num_queries(7):  # the id list + the facts of one batch
        assert len(list(assessments_in_batches(applicants_without_certificate_ids()))) == 2
    for _ in range(5):
        applicant_with(exams=(Exam.STEP1,))
    with django_assert_num_queries(7):
        assert len(list(assessments_in_batches(applicants_without_certificate_ids()))) == 7

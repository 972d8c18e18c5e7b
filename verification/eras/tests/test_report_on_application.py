"""A new ERAS application gets its first status report at once (R-VE-2)."""

from __future__ import annotations

import pytest

from credentials.models import Document
from credentials.tests.factories import DocumentFactory
from exams.tests.factories import ExamResultFactory
from tests.support.payload import keys_of, scalars_of
from verification.api.serializers import ReportEducationSerializer
from verification.eras.models import ResidencyApplication, StatusReport
from verification.eras.selectors import status_payloads
from verification.eras.services import ReceivedApplication, residency_applications_receive
from verification.models import Organization

from .factories import FeedFactory, ProgramFactory, applicant

pytestmark = pytest.mark.django_db


def test_it_issues_version_1_for_each_new_application():
    person = applicant(given_names="José María", last_name="Núñez")
    ExamResultFactory(applicant=person, exam="STEP1", score=250)
    programs = ProgramFactory.create_batch(2)
    received = residency_applications_receive(
        feed=FeedFactory.create(),
        usmle_id=str(person.usmle_id),
        season="2027",
        program_ids=[str(p.acgme_program_id) for p in programs],
    )
    assert [r.created for r in received] == [True, True]
    reports = list(StatusReport.objects.order_by("program_id"))
    assert [(r.program_id, r.version) for r in reports] == [(p.pk, 1) for p in programs]
    payload = reports[0].payload
    # Names exactly as on the diploma, exams passed without any score.
    assert payload["applicant"] == {"given_names": "José María", "last_name": "Núñez"}
    assert payload["exams"][0] == {"exam": "STEP1", "passed": True, "passed_on": "2025-06-01"}
    assert "score" not in set(keys_of(payload)) and 250 not in set(scalars_of(payload))
    assert payload["certification"]["status"] == "not_certified"


def test_it_records_nothing_new_on_replay():
    person, feed = applicant(), FeedFactory.create()
    first, second = ProgramFactory.create_batch(2)

    def receive(*programs: Organization) -> list[ReceivedApplication]:
        return residency_applications_receive(
            feed=feed,
            usmle_id=str(person.usmle_id),
            season="2027",
            program_ids=[str(p.acgme_program_id) for p in programs],
        )

    receive(first)
    received = receive(first, second)
    assert [r.created for r in received] == [False, True]
    assert ResidencyApplication.objects.count() == 2
    assert StatusReport.objects.count() == 2


@pytest.mark.parametrize("diploma_status", [s for s in Document.Status.values if s != "replaced"] + [None])
def test_credential_status_uses_the_words_of_the_verification_reports(diploma_status):
    person = applicant()
    if diploma_status:
        DocumentFactory(applicant=person, status=diploma_status)
    words = status_payloads([person.pk])[person.pk]["medical_education"]["credential_status"]
    assert words in ReportEducationSerializer().fields["credential_status"].choices
    assert words == (Document.Status(diploma_status).label if diploma_status else "Not yet submitted")

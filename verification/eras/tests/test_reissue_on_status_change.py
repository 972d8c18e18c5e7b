"""A status change (exam passed, credential verified, certified, revoked) issues a new
report version to every program applied to, and pushes it; no change, no new version."""

from __future__ import annotations

import datetime
import json

import pytest

from certificates.services import certificate_revoke
from certificates.tests.factories import CertificateFactory
from credentials.models import Document
from credentials.services.documents import document_decide
from credentials.tests.factories import DocumentFactory
from exams.services import exam_result_record
from exams.tests.factories import applied_for, sitting_for
from tests.support.payload import keys_of, scalars_of
from verification.eras.models import StatusReport, WebhookDelivery
from verification.eras.services import status_reports_refresh
from verification.eras.tasks import webhook_deliver

from .conftest import apply, latest_report, with_webhook

pytestmark = pytest.mark.django_db


def test_an_exam_pass_reissues_and_redelivers_to_every_program(
    receiver, feed, person, program, other_program, django_capture_on_commit_callbacks
):
    with_webhook(program, receiver.url)
    apply(feed, person, program, other_program)
    webhook_deliver(WebhookDelivery.objects.get().pk)
    assert len(receiver.requests) == 1

    # The real path: the exam service announces the change on commit, the refresh
    # task issues version 2, and its delivery task pushes it.
    with django_capture_on_commit_callbacks(execute=True):
        sitting_for(person, "STEP1", datetime.date(2025, 6, 1))
        exam_result_record(
            applicant=person, exam="STEP1", test_date=datetime.date(2025, 6, 1), outcome="pass", score=251
        )

    for each in (program, other_program):
        report = latest_report(each)
        assert report.version == 2
        assert report.cause == "exam_result.pass"
        assert report.payload["exams"][0] == {"exam": "STEP1", "passed": True, "passed_on": "2025-06-01"}
    assert len(receiver.requests) == 2
    assert b'"version":2' in receiver.requests[1].body
    # Never a score: checked on the parsed payload, not as a substring of the body, which
    # also holds random data (the USMLE ID) that may contain the digits "251".
    pushed = json.loads(receiver.requests[1].body)
    assert "score" not in keys_of(pushed)
    assert 251 not in scalars_of(pushed)
    assert WebhookDelivery.objects.filter(status=WebhookDelivery.Status.DELIVERED).count() == 2


def test_a_duplicate_event_or_an_unchanged_status_issues_nothing(feed, person, program):
    apply(feed, person, program)
    assert status_reports_refresh(applicant_ids=[person.pk], cause="exam_result.fail") == []
    sitting_for(person, "STEP2CK", datetime.date(2025, 7, 1))
    exam_result_record(
        applicant=person, exam="STEP2CK", test_date=datetime.date(2025, 7, 1), outcome="fail", score=180
    )
    # A failed attempt changes nothing a program is told.
    assert status_reports_refresh(applicant_ids=[person.pk], cause="exam_result.fail") == []
    sitting_for(person, "STEP2CK", datetime.date(2025, 9, 1))
    exam_result_record(
        applicant=person, exam="STEP2CK", test_date=datetime.date(2025, 9, 1), outcome="pass", score=230
    )
    assert len(status_reports_refresh(applicant_ids=[person.pk], cause="exam_result.pass")) == 1
    assert status_reports_refresh(applicant_ids=[person.pk], cause="exam_result.pass") == []
    assert list(StatusReport.objects.values_list("version", flat=True).order_by("version")) == [1, 2]


def test_a_verified_diploma_reissues_with_the_new_credential_status(
    feed, person, program, django_capture_on_commit_callbacks, admin_user
):
    diploma = DocumentFactory(applicant=person)
    applied_for(person)  # credentials are processed from the first exam application (R-ED-3)
    apply(feed, person, program)
    assert latest_report(program).payload["medical_education"]["credential_status"] == "Received"

    with django_capture_on_commit_callbacks(execute=True):
        document_decide(document=diploma, to_status=Document.Status.VERIFIED, actor=admin_user)

    report = latest_report(program)
    assert report.version == 2
    assert report.payload["medical_education"]["credential_status"] == "Verified"


def test_past_seasons_are_not_reissued(feed, person, program):
    [application] = apply(feed, person, program)
    type(application).objects.filter(pk=application.pk).update(season="2020")
    sitting_for(person, "STEP1", datetime.date(2025, 6, 1))
    exam_result_record(
        applicant=person, exam="STEP1", test_date=datetime.date(2025, 6, 1), outcome="pass", score=240
    )
    assert status_reports_refresh(applicant_ids=[person.pk], cause="exam_result.pass") == []


def test_a_revocation_reissues_the_report_as_revoked(
    feed, person, program, django_capture_on_commit_callbacks, admin_user
):
    certificate = CertificateFactory(applicant=person)
    apply(feed, person, program)
    assert latest_report(program).payload["certification"]["status"] == "certified"

    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, reason="Irregular behavior finding.", actor=admin_user)

    report = latest_report(program)
    assert (report.version, report.cause) == (2, "certificate.revoked")
    assert report.payload["certification"]["status"] == "revoked"
    assert report.payload["certification"]["revoked_on"] is not None
    assert report.payload["certification"]["certificate_number"] == certificate.number

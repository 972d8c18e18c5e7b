"""Staff evaluate school answers in the admin queue, oldest first; every move is recorded."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from applicants.selectors.journey import applicant_journey
from applicants.tests.factories import UserFactory
from certificates.selectors import applicant_assessment
from credentials.models import Document, DocumentEvent, SchoolVerificationRequest
from credentials.services.school_verification import school_verification_answer, school_verification_request
from credentials.tests.school_support import (
    diploma_for,
    staff_user,
    transcript_upload,
    translation_for,
    verified_staff_client,
)
from ecfmg_portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
QUEUE = "admin:credentials_schoolanswerreview_changelist"


def answered(*, when: datetime.datetime, answer: str = "authentic") -> SchoolVerificationRequest:
    diploma = diploma_for()
    translation_for(diploma.applicant)
    verification = school_verification_request(document=diploma, actor=staff_user())
    with time_machine.travel(when, tick=False):
        return school_verification_answer(
            verification=verification,
            answer=answer,
            official_name="Dr. Registrar",
            official_title="Registrar",
            comment="",
            transcript=transcript_upload() if answer == "authentic" else None,
        )


def requirement(applicant, rule: str):
    return next(r for r in applicant_assessment(applicant=applicant).requirements if r.rule == rule)


def test_the_queue_lists_answers_oldest_first_in_fixed_queries(django_assert_max_num_queries):
    now = datetime.datetime.now(tz=datetime.UTC)
    newer = answered(when=now - datetime.timedelta(days=1))
    older = answered(when=now - datetime.timedelta(days=5))
    client = verified_staff_client(staff_user())
    client.get(reverse(QUEUE))  # warm the session and permission caches
    with django_assert_max_num_queries(12) as queries:
        page = client.get(reverse(QUEUE)).content.decode()
    for _ in range(5):
        answered(when=now - datetime.timedelta(days=2))
    with django_assert_max_num_queries(len(queries.captured_queries)):
        # Five more rows, not one query more.
        assert client.get(reverse(QUEUE)).status_code == 200
    assert page.index(f"/{older.pk}/change/") < page.index(f"/{newer.pk}/change/")


def test_accepting_verifies_the_diploma_and_meets_r_ed_8(django_capture_on_commit_callbacks):
    verification = answered(when=datetime.datetime.now(tz=datetime.UTC))
    applicant = verification.applicant
    assert not requirement(applicant, "R-ED-8").met
    reviewer = staff_user("reviewer2@ecfmg.test")
    client = verified_staff_client(reviewer)
    url = reverse("admin:credentials_schoolanswerreview_change", args=[verification.pk])
    page = client.get(url).content.decode()
    assert "Authentic" in page and "Dr. Registrar" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"accept": "1"})
    assert response.status_code == 302

    verification.refresh_from_db()
    assert verification.status == SchoolVerificationRequest.Status.ACCEPTED
    assert verification.decided_by == reviewer
    statuses = dict(Document.objects.filter(applicant=applicant).values_list("kind", "status"))
    assert statuses == {"diploma": "verified", "translation": "verified", "final_transcript": "verified"}
    assert requirement(applicant, "R-ED-8").met
    # Who and when, for every document that moved.
    moved = DocumentEvent.objects.filter(document__applicant=applicant, to_status="verified")
    assert moved.count() == 3 and all(e.actor == reviewer for e in moved)
    assert AuditEntry.objects.filter(action="school_verification.accepted", actor=reviewer).exists()
    # The applicant is told, and the dashboard's journey says so.
    assert any(m.to == [applicant.user.email] and "has been verified" in m.body for m in mail.outbox)
    assert applicant_journey(applicant).school_check.label == "Verified"


def test_rejecting_records_the_reason_the_applicant_sees(django_capture_on_commit_callbacks):
    verification = answered(when=datetime.datetime.now(tz=datetime.UTC), answer="not_authentic")
    client = verified_staff_client(staff_user())
    url = reverse("admin:credentials_schoolanswerreview_change", args=[verification.pk])
    # A not-authentic answer cannot be accepted.
    client.post(url, {"accept": "1"})
    verification.refresh_from_db()
    assert verification.status == SchoolVerificationRequest.Status.ANSWERED
    # A rejection without a reason is refused.
    client.post(url, {"reject": "1", "outcome": "unable_to_verify", "reason": ""})
    verification.refresh_from_db()
    assert verification.status == SchoolVerificationRequest.Status.ANSWERED

    reason = "Your school says it did not issue this diploma. Contact your school's registrar."
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reject": "1", "outcome": "unable_to_verify", "reason": reason})
    verification.refresh_from_db()
    assert verification.status == SchoolVerificationRequest.Status.REJECTED
    verification.diploma.refresh_from_db()
    assert (verification.diploma.status, verification.diploma.status_reason) == ("unable_to_verify", reason)
    status = applicant_journey(verification.applicant).school_check
    assert (status.label, status.reason) == ("Not verified", reason)
    assert any(reason in m.body for m in mail.outbox if m.to == [verification.applicant.user.email])
    assert not requirement(verification.applicant, "R-ED-8").met


def test_staff_who_may_only_view_cannot_decide():
    verification = answered(when=datetime.datetime.now(tz=datetime.UTC))
    viewer = UserFactory(email="viewer@ecfmg.test", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_schoolverificationrequest"))
    client = verified_staff_client(viewer)
    url = reverse("admin:credentials_schoolanswerreview_change", args=[verification.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"accept": "1"}).status_code == 403
    verification.refresh_from_db()
    assert verification.status == SchoolVerificationRequest.Status.ANSWERED

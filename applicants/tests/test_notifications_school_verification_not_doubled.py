"""The school-verification workflow e-mails its own outcome; staff accepting or rejecting the
school's answer must not send a second e-mail through the applicant notifications."""

from __future__ import annotations

import pytest
from django.core import mail

from applicants.models import ApplicantNotification
from credentials.models import Document
from credentials.services.school_verification import (
    school_verification_accept,
    school_verification_answer,
    school_verification_reject,
    school_verification_request,
)
from credentials.tests.school_support import diploma_for, staff_user, transcript_upload, translation_for

pytestmark = pytest.mark.django_db


def _answered(answer: str):
    diploma = diploma_for()
    translation_for(diploma.applicant)
    verification = school_verification_request(document=diploma, actor=staff_user())
    return school_verification_answer(
        verification=verification,
        answer=answer,
        official_name="Dr. Registrar",
        official_title="Registrar",
        comment="",
        transcript=transcript_upload() if answer == "authentic" else None,
    )


def test_accepting_the_schools_answer_sends_only_the_workflows_outcome_email(
    django_capture_on_commit_callbacks,
):
    verification = _answered("authentic")
    with django_capture_on_commit_callbacks(execute=True):
        school_verification_accept(verification=verification, actor=staff_user())
    applicant_mail = [m for m in mail.outbox if m.to == [verification.applicant.user.email]]
    assert len(applicant_mail) == 1  # the workflow's "verified with your school" e-mail
    assert Document.objects.filter(applicant=verification.applicant, status="verified").count() == 3
    assert not ApplicantNotification.objects.exists()


def test_rejecting_the_schools_answer_sends_only_the_workflows_outcome_email(
    django_capture_on_commit_callbacks,
):
    verification = _answered("not_authentic")
    with django_capture_on_commit_callbacks(execute=True):
        school_verification_reject(
            verification=verification, actor=staff_user(), outcome="rejected", reason="Not issued by us"
        )
    applicant_mail = [m for m in mail.outbox if m.to == [verification.applicant.user.email]]
    assert len(applicant_mail) == 1
    assert not ApplicantNotification.objects.exists()

"""What the applicant's dashboard shows of the school's verification: sent on, reminders
sent, then the outcome. The journey is the only place that says it (one truth)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from applicants.selectors.journey import applicant_journey
from applicants.tests.factories import ApplicantFactory
from credentials.services.school_verification import school_verification_answer, school_verification_request
from credentials.tasks import school_verification_reminders
from credentials.tests.school_support import diploma_for, staff_user

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 2, 2, 10, 0, tzinfo=datetime.UTC)


def _school_check(applicant):
    return applicant_journey(applicant).school_check


def test_nothing_to_show_before_the_diploma_is_sent():
    assert _school_check(ApplicantFactory()) is None


def test_it_shows_the_date_sent_the_reminders_and_then_the_answer(django_capture_on_commit_callbacks):
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        verification = school_verification_request(document=diploma_for(), actor=staff_user())
    for day in (14, 30):
        with (
            time_machine.travel(T0 + datetime.timedelta(days=day), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            school_verification_reminders()
    applicant = verification.applicant
    with time_machine.travel(T0 + datetime.timedelta(days=31), tick=False):
        status = _school_check(applicant)
    assert status is not None
    assert (status.label, status.sent_on, status.school_name) == (
        "Sent for verification",
        datetime.date(2026, 2, 2),
        verification.school.name,
    )
    assert (status.reminders, status.last_reminder_on) == (2, datetime.date(2026, 3, 4))

    with time_machine.travel(T0 + datetime.timedelta(days=40), tick=False):
        school_verification_answer(
            verification=verification,
            answer="cannot_determine",
            official_name="R",
            official_title="Registrar",
            comment="",
            transcript=None,
        )
    status = _school_check(applicant)
    assert status.state == "answered" and status.answered_on == datetime.date(2026, 3, 14)
    assert "ECFMG is evaluating" in status.label


def test_it_shows_only_the_applicants_own_request():
    school_verification_request(document=diploma_for(), actor=staff_user())
    assert _school_check(ApplicantFactory()) is None

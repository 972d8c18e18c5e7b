"""Reminders at day 14/30/60 and escalation to staff at day 90, each e-mailed once (frozen clock)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail

from credentials.models import SchoolVerificationRequest, VerificationEmail
from credentials.services.school_verification import school_verification_answer, school_verification_request
from credentials.services.verification_emails import verification_email_deliver, verification_reminders_queue
from credentials.tasks import school_verification_reminders
from credentials.tests.school_support import diploma_for, staff_user, transcript_upload

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)


def at_day(day: float) -> datetime.datetime:
    return T0 + datetime.timedelta(days=day)


@pytest.fixture
def verification(django_capture_on_commit_callbacks) -> SchoolVerificationRequest:
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        created = school_verification_request(document=diploma_for(), actor=staff_user())
    mail.outbox.clear()
    return created


def run_beat(day: float, capture) -> list[tuple[list[str], str]]:
    """Run the periodic task at ``day``; return (recipients, subject) of what it sent."""
    mail.outbox.clear()
    with time_machine.travel(at_day(day), tick=False), capture(execute=True):
        school_verification_reminders()
    return [(m.to, m.subject) for m in mail.outbox]


def test_reminders_follow_the_schedule_and_each_goes_out_once(
    verification, django_capture_on_commit_callbacks, settings
):
    school = [verification.contact_email]
    beat = django_capture_on_commit_callbacks
    assert run_beat(13.9, beat) == []
    sent = run_beat(14, beat)
    assert len(sent) == 1 and sent[0][0] == school and sent[0][1].startswith("Reminder:")
    assert run_beat(14.5, beat) == []  # the hourly beat runs again: nothing twice
    assert run_beat(29, beat) == []
    assert len(run_beat(30, beat)) == 1
    assert run_beat(45, beat) == []
    assert len(run_beat(60, beat)) == 1
    assert run_beat(89.9, beat) == []
    escalation = run_beat(90, beat)
    assert escalation == [([settings.STAFF_ALERT_EMAIL], escalation[0][1])]
    assert "no answer after 90 days" in escalation[0][1]
    assert run_beat(120, beat) == []
    steps = dict(VerificationEmail.objects.filter(request=verification).values_list("step", "status"))
    assert steps == {
        "request": "sent",
        "applicant-sent": "sent",
        "reminder-1": "sent",
        "reminder-2": "sent",
        "reminder-3": "sent",
        "escalation": "sent",
    }
    verification.refresh_from_db()
    assert verification.escalated_at == at_day(90)


def test_a_reminder_keeps_the_link_valid_for_the_configured_days(
    verification, django_capture_on_commit_callbacks, settings
):
    run_beat(60, django_capture_on_commit_callbacks)
    verification.refresh_from_db()
    assert verification.link_expires_at == at_day(60 + settings.SCHOOL_VERIFICATION_LINK_VALID_DAYS)


def test_a_request_that_missed_several_reminders_gets_only_the_latest(
    verification, django_capture_on_commit_callbacks
):
    # Beat was down from day 10 to day 35: one reminder (the day-30 one), not two at once.
    sent = run_beat(35, django_capture_on_commit_callbacks)
    assert len(sent) == 1
    assert set(VerificationEmail.objects.filter(kind="school_reminder").values_list("step", flat=True)) == {
        "reminder-2"
    }


def test_an_answered_request_gets_no_reminder_nor_escalation(
    verification, django_capture_on_commit_callbacks
):
    with time_machine.travel(at_day(3), tick=False):
        school_verification_answer(
            verification=verification,
            answer="authentic",
            official_name="Dr. R",
            official_title="Registrar",
            comment="",
            transcript=transcript_upload(),
        )
    for day in (14, 30, 60, 90):
        assert run_beat(day, django_capture_on_commit_callbacks) == []


def test_a_reminder_queued_before_the_answer_is_skipped_not_sent(verification):
    with time_machine.travel(at_day(14), tick=False):
        (email_id,) = verification_reminders_queue()
        SchoolVerificationRequest.objects.filter(pk=verification.pk).update(status="answered")
        verification_email_deliver(email_id=email_id)
    assert mail.outbox == []
    assert VerificationEmail.objects.get(pk=email_id).status == VerificationEmail.Status.SKIPPED


def test_the_scan_costs_the_same_queries_for_one_or_many_requests(
    django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=False):
        for _ in range(5):
            school_verification_request(document=diploma_for(), actor=staff_user())
    with time_machine.travel(at_day(14), tick=False), django_assert_max_num_queries(12):
        # 3 reminder scans + 1 escalation scan, and for the due step: insert, extend links, read ids
        # (plus savepoint statements).
        ids = verification_reminders_queue()
    assert len(ids) == 5

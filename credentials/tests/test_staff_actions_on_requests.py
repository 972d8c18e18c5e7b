"""Staff resend, change the school's contact, or cancel a request; and see answer-time metrics."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from applicants.selectors.journey import applicant_journey
from credentials.models import Document, SchoolVerificationRequest, VerificationEmail
from credentials.selectors import school_turnaround
from credentials.services.school_verification import school_verification_answer, school_verification_request
from credentials.tests.factories import SchoolFactory
from credentials.tests.school_support import diploma_for, staff_user, token_in, verified_staff_client
from ecfmg_portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:credentials_schoolverificationrequest_changelist"


@pytest.fixture
def verification(django_capture_on_commit_callbacks) -> SchoolVerificationRequest:
    with django_capture_on_commit_callbacks(execute=True):
        created = school_verification_request(document=diploma_for(), actor=staff_user())
    mail.outbox.clear()
    return created


def test_resend_emails_the_same_working_link_again(verification, django_capture_on_commit_callbacks):
    client = verified_staff_client(staff_user())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(CHANGELIST), {"action": "resend", "_selected_action": [verification.pk]})
    (message,) = mail.outbox
    assert message.to == [verification.contact_email]
    assert client.get(reverse("school:respond", args=[token_in(message.body)])).status_code == 200
    assert VerificationEmail.objects.filter(request=verification, step="resend-1", status="sent").exists()


def test_change_contact_sends_a_new_link_to_the_new_address(verification, django_capture_on_commit_callbacks):
    client = verified_staff_client(staff_user())
    url = reverse("admin:credentials_schoolverification_change_contact", args=[verification.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "dean@school.example"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["dean@school.example"]
    verification.refresh_from_db()
    assert verification.contact_email == "dean@school.example"
    assert AuditEntry.objects.filter(action="school_verification.contact_changed").exists()


def test_cancel_needs_a_reason_and_returns_the_diploma_to_received(
    verification, django_capture_on_commit_callbacks
):
    client = verified_staff_client(staff_user())
    url = reverse("admin:credentials_schoolverification_cancel", args=[verification.pk])
    assert client.post(url, {"reason": ""}).status_code == 200  # the form again, with the error
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Wrong school on file."})
    verification.refresh_from_db()
    assert verification.status == SchoolVerificationRequest.Status.CANCELLED
    assert verification.diploma.status == Document.Status.RECEIVED
    (message,) = mail.outbox
    assert message.to == [verification.applicant.user.email] and "Wrong school on file." in message.body
    # The link is dead and the diploma can be sent again.
    assert applicant_journey(verification.applicant).school_check.state == "cancelled"
    again = school_verification_request(document=verification.diploma, actor=staff_user())
    assert again.pk != verification.pk


def test_the_request_list_shows_reminders_and_failed_emails(verification, django_assert_max_num_queries):
    VerificationEmail.objects.create(
        request=verification, step="reminder-1", kind="school_reminder", to_address="x@y.z", status="sent"
    )
    VerificationEmail.objects.filter(request=verification, step="request").update(status="failed")
    client = verified_staff_client(staff_user())
    with django_assert_max_num_queries(12):
        page = client.get(reverse(CHANGELIST)).content.decode()
    assert '<td class="field-reminders">1</td>' in page
    assert '<td class="field-failed_emails">1</td>' in page
    failed = client.get(reverse("admin:credentials_verificationemail_changelist") + "?status__exact=failed")
    assert "request" in failed.content.decode()


def test_metrics_give_median_and_p90_days_per_country_and_school():
    start = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    india = SchoolFactory(country="IN", name="Grant Medical College")
    egypt = SchoolFactory(country="EG", name="Cairo Faculty of Medicine")
    for school, days in ((india, [10, 20, 30, 40, 55]), (egypt, [5])):
        for day in days:
            diploma = diploma_for()
            diploma.applicant.school = school
            diploma.applicant.save()
            with time_machine.travel(start, tick=False):
                verification = school_verification_request(document=diploma, actor=staff_user())
            with time_machine.travel(start + datetime.timedelta(days=day), tick=False):
                school_verification_answer(
                    verification=verification,
                    answer="cannot_determine",
                    official_name="R",
                    official_title="Registrar",
                    comment="",
                    transcript=None,
                )
    tables = school_turnaround()
    by_country = {row.label: row for row in tables["country"]}
    assert (by_country["IN"].answered, by_country["IN"].median_days, by_country["IN"].p90_days) == (5, 30, 49)
    assert (by_country["EG"].median_days, by_country["EG"].p90_days) == (5, 5)
    assert tables["school"][0].label.startswith("Grant Medical College")  # slowest first
    page = verified_staff_client(staff_user()).get(reverse("admin:credentials_schoolverification_metrics"))
    assert "Grant Medical College" in page.content.decode() and "49.0" in page.content.decode()

"""A real worker (Redis broker, PostgreSQL) registers, routes and sends a notification once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction

from applicants.models import ApplicantNotification, LedgerEntry
from applicants.services.ledger import ledger_post
from applicants.tests.factories import ApplicantFactory
from ecfmg_portal.celery import app as celery_app

SEND = "applicants.notifications.tasks.send_applicant_notification"
REQUEUE = "applicants.notifications.tasks.applicant_notifications_requeue"


def test_the_tasks_are_registered_routed_to_the_email_queue_and_scheduled():
    celery_app.loader.import_default_modules()  # what a worker does at start
    assert {SEND, REQUEUE} <= set(celery_app.tasks)
    for name in (SEND, REQUEUE):
        assert celery_app.amqp.router.route({}, name)["queue"].name == "email"
    assert settings.CELERY_BEAT_SCHEDULE["applicant-notifications-requeue"]["task"] == REQUEUE


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_committed_payment_is_emailed_once_by_a_real_worker(celery_worker):
    applicant = ApplicantFactory()
    with transaction.atomic():
        entry, _ = ledger_post(
            applicant=applicant,
            kind=LedgerEntry.Kind.PAYMENT,
            amount=Decimal("120.00"),
            description="Card payment",
            reference="worker-test-1",
        )
    notification = ApplicantNotification.objects.get(key=f"payment:{entry.pk}")
    assert celery_worker.wait_for(
        lambda: ApplicantNotification.objects.filter(pk=notification.pk, status="sent").exists(),
        what="the notification marked sent",
    )
    [message] = celery_worker.sent_messages()
    assert message["To"] == applicant.user.email
    assert message["Subject"] == "We received your payment of $120.00"

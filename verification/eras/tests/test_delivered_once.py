"""A report version is never delivered twice by a healthy worker, however often its task runs;
one interrupted mid-send is redelivered with the same delivery id, for the receiver to deduplicate."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from verification.eras.models import WebhookDelivery
from verification.eras.tasks import webhook_deliver, webhook_deliveries_requeue
from verification.eras.webhooks import webhook_deliveries_sweep

from .conftest import apply, only_delivery, with_webhook

pytestmark = pytest.mark.django_db


def test_running_the_task_twice_delivers_once(receiver, feed, person, program):
    with_webhook(program, receiver.url)
    apply(feed, person, program)
    delivery = only_delivery()

    assert webhook_deliver(delivery.pk) == "delivered"
    assert webhook_deliver(delivery.pk) == "skipped"
    assert len(receiver.requests) == 1


def test_a_delivery_claimed_by_another_worker_is_left_alone(receiver, feed, person, program):
    with_webhook(program, receiver.url)
    apply(feed, person, program)
    delivery = only_delivery()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=WebhookDelivery.Status.SENDING)

    assert webhook_deliver(delivery.pk) == "skipped"
    assert receiver.requests == []


def test_replaying_the_applications_creates_no_second_delivery(receiver, feed, person, program):
    with_webhook(program, receiver.url)
    apply(feed, person, program)
    apply(feed, person, program)
    assert WebhookDelivery.objects.count() == 1


def test_no_delivery_without_a_webhook(feed, person, program):
    apply(feed, person, program)
    assert not WebhookDelivery.objects.exists()


def test_an_interrupted_send_is_redelivered_with_the_same_delivery_id(receiver, feed, person, program):
    with_webhook(program, receiver.url)
    apply(feed, person, program)
    delivery = only_delivery()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.SENDING,
        attempts=delivery.attempt_limit,  # even when the lost attempt was the last allowed
        claimed_at=delivery.created_at - datetime.timedelta(hours=1),
    )

    assert webhook_deliveries_sweep() == [delivery.pk]
    delivery.refresh_from_db()
    # Never "failed" for staff to guess: pending again, due now.
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert "Interrupted" in delivery.last_error
    assert webhook_deliver(delivery.pk) == "delivered"
    [request] = receiver.requests
    assert request.headers["X-ECFMG-Delivery"] == str(delivery.public_id)


def test_a_fresh_sending_claim_is_left_to_its_worker(receiver, feed, person, program):
    with_webhook(program, receiver.url)
    apply(feed, person, program)
    delivery = only_delivery()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.SENDING, claimed_at=timezone.now()
    )
    assert webhook_deliveries_sweep() == []
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SENDING


def test_an_overdue_pending_delivery_is_queued_again_by_the_sweep(feed, person, program, receiver):
    with_webhook(program, receiver.url)
    apply(feed, person, program)
    delivery = only_delivery()
    # Its queued task was lost (broker restart): it is still pending, long overdue.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=delivery.created_at - datetime.timedelta(hours=1)
    )
    assert webhook_deliveries_requeue() == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert len(receiver.requests) == 1

"""Transient receiver failures are retried with exponential backoff, a bounded number of
times; a 4xx fails at once; every attempt is recorded."""

from __future__ import annotations

import datetime
import socket

import pytest
import time_machine
from django.utils import timezone

from verification.eras.models import WebhookAttempt, WebhookDelivery
from verification.eras.tasks import webhook_deliver
from verification.eras.webhooks import MAX_ATTEMPTS, backoff_seconds, webhook_delivery_resend

from .conftest import apply, only_delivery, with_webhook

pytestmark = pytest.mark.django_db


def later(seconds: float) -> time_machine.travel:
    return time_machine.travel(timezone.now() + datetime.timedelta(seconds=seconds + 1), tick=True)


def test_it_retries_after_a_receiver_500_and_delivers_once_it_recovers(receiver, feed, person, program):
    receiver.statuses = [500, 200]
    with_webhook(program, receiver.url)
    apply(feed, person, program)
    delivery = only_delivery()

    assert webhook_deliver(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.response_code == 500
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at > timezone.now() + datetime.timedelta(seconds=backoff_seconds(1) - 5)
    # Not due yet: a duplicate or early message does nothing.
    assert webhook_deliver(delivery.pk) == "skipped"
    assert len(receiver.requests) == 1

    with later(backoff_seconds(1)):
        assert webhook_deliver(delivery.pk) == "delivered"
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 2
    assert list(delivery.attempt_log.values_list("number", "response_code", "outcome")) == [
        (1, 500, WebhookAttempt.Outcome.RETRY),
        (2, 200, WebhookAttempt.Outcome.DELIVERED),
    ]
    # Same delivery id on both attempts: the receiver can tell a retry from a new report.
    assert {r.headers["X-ECFMG-Delivery"] for r in receiver.requests} == {str(delivery.public_id)}


def test_backoff_grows_exponentially():
    delays = [backoff_seconds(n) for n in range(1, MAX_ATTEMPTS)]
    assert delays == sorted(delays)
    assert delays[1] == 4 * delays[0]


def test_a_4xx_fails_at_once_and_is_recorded(receiver, feed, person, program):
    receiver.statuses = [410]
    with_webhook(program, receiver.url)
    apply(feed, person, program)
    delivery = only_delivery()

    assert webhook_deliver(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.response_code == 410
    assert "410" in delivery.last_error
    with later(24 * 3600):
        assert webhook_deliver(delivery.pk) == "skipped"
    assert len(receiver.requests) == 1


def test_it_gives_up_after_the_attempt_limit_and_staff_can_resend(receiver, feed, person, program):
    receiver.statuses = [503]
    with_webhook(program, receiver.url)
    apply(feed, person, program)
    delivery = only_delivery()
    elapsed = 0
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with later(elapsed):
            outcome = webhook_deliver(delivery.pk)
        elapsed += backoff_seconds(attempt) + 1
    assert outcome == "failed"
    delivery.refresh_from_db()
    assert delivery.attempts == MAX_ATTEMPTS
    assert "Gave up" in delivery.last_error
    assert len(receiver.requests) == MAX_ATTEMPTS

    receiver.statuses = [204]
    assert webhook_delivery_resend(delivery=delivery)
    with later(elapsed):
        assert webhook_deliver(delivery.pk) == "delivered"
    # A delivered version cannot be resent.
    delivery.refresh_from_db()
    assert not webhook_delivery_resend(delivery=delivery)


def test_a_connection_refused_is_retried(feed, person, program):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with_webhook(program, f"http://127.0.0.1:{port}/hook")
    apply(feed, person, program)
    delivery = only_delivery()

    assert webhook_deliver(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.response_code is None
    assert "Connection failed" in delivery.last_error

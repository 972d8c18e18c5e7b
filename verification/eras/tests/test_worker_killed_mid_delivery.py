"""A worker killed in the middle of a webhook delivery: nothing is lost, nothing is sent twice.

The receiver holds its answer for a few seconds; the worker is SIGKILLed while it
waits. The task was not acknowledged (acks_late), so Redis hands it to the next
worker, which finds the delivery already claimed and does not post again while the
claim is fresh. Once the claim is stale the sweep redelivers it automatically with
the SAME delivery id (the receiver may or may not have processed the first post;
receivers deduplicate on ``X-ECFMG-Delivery``, docs/eras.md): never "failed" for
staff to resend, which delivered twice with nothing to tell the copies apart.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.utils import timezone

from verification.eras.models import WebhookDelivery
from verification.eras.webhooks import STALE_SENDING, webhook_deliveries_sweep

from .conftest import apply, with_webhook

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

HOLD_SECONDS = 6


@pytest.fixture
def celery_worker_env() -> dict[str, str]:
    return {
        "WEBHOOK_ALLOW_PRIVATE": "true",
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    }


@pytest.fixture
def slow_receiver() -> Iterator[tuple[str, list[bytes]]]:
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            time.sleep(HOLD_SECONDS)  # the worker is killed while it waits for this answer
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def test_a_delivery_interrupted_by_a_dead_worker_is_never_posted_twice(
    celery_worker, slow_receiver, feed, person, program
):
    url, received = slow_receiver
    with_webhook(program, url)
    apply(feed, person, program)

    celery_worker.wait_for(lambda: len(received) == 1, timeout=60, what="the worker to post the report")
    celery_worker.kill()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.SENDING

    # The unacknowledged task comes back to a new worker, which must not post again.
    celery_worker.start()
    time.sleep(HOLD_SECONDS + 6)
    assert len(received) == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SENDING and delivery.attempts == 1

    # Not lost either: once stale, the sweep puts it back and a worker posts it again,
    # with the same delivery id the receiver saw the first time.
    with time_machine.travel(timezone.now() + STALE_SENDING + datetime.timedelta(minutes=1)):
        assert webhook_deliveries_sweep() == [delivery.pk]
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert "Interrupted" in delivery.last_error
    assert delivery.status != WebhookDelivery.Status.FAILED

"""A pushed report is signed so the program can check it came from ECFMG, unchanged and fresh."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

from verification.eras.tasks import webhook_deliver

from .conftest import apply, key_of, only_delivery, with_webhook

pytestmark = pytest.mark.django_db
TOLERANCE_SECONDS = 300


def receiver_verifies(secret: str, headers: dict[str, str], body: bytes, *, now: float) -> bool:
    """What a program's receiver does (docs/eras.md): recompute the HMAC over
    "<timestamp>.<body>", compare in constant time, refuse stale timestamps."""
    timestamp = headers.get("X-ECFMG-Timestamp", "")
    signature = headers.get("X-ECFMG-Signature", "")
    if not timestamp.isdigit() or abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest("sha256=" + expected, signature)


def test_it_signs_the_body_the_receiver_verifies(api, receiver, feed, person, program):
    program = with_webhook(program, receiver.url)
    apply(feed, person, program)
    delivery = only_delivery()

    assert webhook_deliver(delivery.pk) == "delivered"

    [got] = receiver.requests
    assert receiver_verifies(program.webhook_secret, got.headers, got.body, now=time.time())
    assert got.headers["X-ECFMG-Delivery"] == str(delivery.public_id)
    assert got.headers["Content-Type"] == "application/json"
    # The pushed document is the one the program can pull.
    pulled = api.get(f"/api/v1/eras/reports/{delivery.report.public_id}/", **key_of(program))
    assert json.loads(got.body) == pulled.json()


def test_a_receiver_rejects_a_tampered_body_a_wrong_secret_or_a_stale_timestamp(
    receiver, feed, person, program
):
    program = with_webhook(program, receiver.url)
    apply(feed, person, program)
    webhook_deliver(only_delivery().pk)
    [got] = receiver.requests
    now = time.time()

    tampered = got.body.replace(b'"not_certified"', b'"certified"')
    assert tampered != got.body
    assert not receiver_verifies(program.webhook_secret, got.headers, tampered, now=now)
    assert not receiver_verifies("another-secret", got.headers, got.body, now=now)
    assert not receiver_verifies(program.webhook_secret, got.headers, got.body, now=now + 3600)
    assert receiver_verifies(program.webhook_secret, got.headers, got.body, now=now)

"""With a real worker and Redis: a receiver error is retried after the backoff by Celery,
and a status change pushes a new version, each version delivered once."""

from __future__ import annotations

import datetime
import json

import pytest

from exams.services import exam_result_record
from exams.tests.factories import sitting_for
from verification.eras.models import WebhookDelivery

from .conftest import apply, with_webhook

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker_env() -> dict[str, str]:
    # The receiver listens on 127.0.0.1; a one-second first backoff keeps the test short.
    return {"WEBHOOK_ALLOW_PRIVATE": "true", "WEBHOOK_BACKOFF_SECONDS": "1"}


def test_the_worker_retries_then_pushes_each_new_version_once(celery_worker, receiver, feed, person, program):
    receiver.statuses = [500, 200]
    with_webhook(program, receiver.url)

    apply(feed, person, program)
    celery_worker.wait_for(
        lambda: WebhookDelivery.objects.filter(status=WebhookDelivery.Status.DELIVERED).count() == 1,
        what="version 1 delivered after one retry",
    )
    sitting_for(person, "STEP1", datetime.date(2025, 6, 1))
    exam_result_record(
        applicant=person, exam="STEP1", test_date=datetime.date(2025, 6, 1), outcome="pass", score=240
    )
    celery_worker.wait_for(
        lambda: WebhookDelivery.objects.filter(status=WebhookDelivery.Status.DELIVERED).count() == 2,
        what="version 2 delivered",
    )

    versions = [json.loads(r.body)["version"] for r in receiver.requests]
    assert versions == [1, 1, 2]  # version 1 twice: the 500, then its retry
    first = WebhookDelivery.objects.get(report__version=1)
    assert list(first.attempt_log.values_list("response_code", flat=True)) == [500, 200]

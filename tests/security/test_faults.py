"""Fault tests: the broker (Redis) goes away during an upload; the database connection
drops in the middle of a request. No 500 traceback, no lost work, no half-written state."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from kombu import pools as kombu_pools

from applicants.tests.factories import ApplicantFactory
from credentials.models import Document, DocumentEvent
from credentials.services import documents as document_services
from ecfmg_portal.audit.models import AuditEntry
from ecfmg_portal.celery import app as celery_app
from ecfmg_portal.outbox.models import PendingTask
from ecfmg_portal.outbox.services import outbox_resend
from ecfmg_portal.security.middleware import DatabaseUnavailableMiddleware

from .hostile_files import plain_pdf

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused
QUEUES = ("default", "email", "pdf", "webhooks")


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") == "1"


def skip_or_fail(reason: str) -> None:
    if services_required():
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def point_producer_at(url: str, *, eager: bool) -> None:
    celery_app.conf.update(task_always_eager=eager, broker_url=url, broker_write_url=url)
    pool = celery_app.__dict__.get("_pool")
    if pool is not None:
        pool.force_close_all()
        celery_app.__dict__["_pool"] = None
    celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]
    kombu_pools.reset()  # kombu caches producer pools per URL, closed ones included


@pytest.fixture
def broker_down() -> Iterator[None]:
    previous = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    point_producer_at(DEAD_BROKER, eager=False)
    yield
    point_producer_at(previous[1], eager=previous[0])


@pytest.fixture
def applicant_client():
    applicant = ApplicantFactory()
    client = Client(raise_request_exception=False)
    client.force_login(applicant.user)
    return applicant, client


def upload(client: Client):
    return client.post(
        reverse("documents"),
        {"kind": "diploma", "language": "en", "file": SimpleUploadedFile("d.pdf", plain_pdf())},
    )


@pytest.mark.django_db
def test_upload_is_saved_and_its_work_kept_while_the_broker_is_down(
    broker_down, applicant_client, django_capture_on_commit_callbacks
):
    applicant, client = applicant_client
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client)
    assert response.status_code == 302  # no 500 page
    assert Document.objects.filter(applicant=applicant).count() == 1
    kept = list(PendingTask.objects.all())
    assert kept, "the tasks the upload triggers must be kept, not lost"
    assert all(str(applicant.pk) in str(task.args) for task in kept)
    # Still down: the re-sender keeps them and waits longer.
    sent, pending = outbox_resend()
    assert (sent, pending) == (0, len(kept))
    retried = PendingTask.objects.get(pk=kept[0].pk)
    assert retried.attempts == 1
    assert "OperationalError" in retried.last_error
    assert retried.next_attempt_at > kept[0].next_attempt_at


@pytest.mark.django_db
@pytest.mark.services
def test_kept_work_is_queued_once_the_broker_is_back(applicant_client, django_capture_on_commit_callbacks):
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith(("redis://", "rediss://")):
        skip_or_fail("set CELERY_BROKER_URL to a dedicated Redis test database")
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis at CELERY_BROKER_URL is unreachable ({exc.__class__.__name__})")
    previous = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    try:
        point_producer_at(DEAD_BROKER, eager=False)
        _, client = applicant_client
        with django_capture_on_commit_callbacks(execute=True):
            assert upload(client).status_code == 302
        kept = PendingTask.objects.count()
        assert kept >= 1
        point_producer_at(url, eager=False)  # Redis is back
        assert outbox_resend() == (kept, 0)
        queued = sum(redis.Redis.from_url(url).llen(queue) for queue in QUEUES)
        assert queued == kept
    finally:
        point_producer_at(previous[1], eager=previous[0])
        redis.Redis.from_url(url).flushdb()


def _fail_second_write(exception: Exception):
    def audit_record(**kwargs):
        raise exception

    return audit_record


@pytest.mark.django_db
def test_lost_database_connection_mid_request_is_a_clean_503_and_writes_nothing(
    applicant_client, monkeypatch
):
    applicant, client = applicant_client
    audit_before = AuditEntry.objects.count()
    # The document row and its event are written, then the connection "drops".
    monkeypatch.setattr(
        document_services,
        "audit_record",
        _fail_second_write(OperationalError("server closed the connection unexpectedly")),
    )
    response = upload(client)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "briefly unavailable" in body
    assert "Traceback" not in body and "OperationalError" not in body
    assert not Document.objects.filter(applicant=applicant).exists()
    assert not DocumentEvent.objects.filter(document__applicant=applicant).exists()
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.django_db
def test_unexpected_error_mid_request_is_a_friendly_500_and_writes_nothing(applicant_client, monkeypatch):
    applicant, client = applicant_client
    monkeypatch.setattr(document_services, "audit_record", _fail_second_write(RuntimeError("boom")))
    response = upload(client)
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert "Traceback" not in body and "boom" not in body
    assert not Document.objects.filter(applicant=applicant).exists()


@pytest.mark.django_db(transaction=True)
def test_postgres_backend_killed_mid_request_leaves_no_partial_write(monkeypatch):
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (set DATABASE_URL)")
    applicant = ApplicantFactory()
    client = Client(raise_request_exception=False)
    client.force_login(applicant.user)

    def kill_own_backend(**kwargs):
        # A second connection terminates this request's backend, as a failover would.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        other = connection.copy()
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            other.close()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")  # the next statement finds the connection gone

    monkeypatch.setattr(document_services, "audit_record", kill_own_backend)
    response = upload(client)
    assert response.status_code == 503
    connection.close()  # reconnect for the checks
    assert not Document.objects.filter(applicant=applicant).exists()
    assert not DocumentEvent.objects.filter(document__applicant=applicant).exists()


@pytest.mark.django_db
def test_outbox_is_emptied_by_beat_and_by_the_command(broker_down, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-resend"]
    celery_app.loader.import_default_modules()  # what a worker does at start (autodiscovery)
    assert entry["task"] in celery_app.tasks  # beat names a task the worker knows
    PendingTask.objects.create(task_id="t-1", name="certificates.tasks.evaluate_certification", args=[1])
    with pytest.raises(CommandError):
        call_command("outbox_resend", stdout=io.StringIO())  # broker still down: exit 1
    assert PendingTask.objects.filter(task_id="t-1", attempts=1).exists()


@pytest.mark.parametrize("exception", [OperationalError("gone"), InterfaceError("connection already closed")])
def test_api_clients_get_the_api_error_shape_when_the_database_is_gone(rf, exception):
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    response = middleware.process_exception(rf.post("/api/v1/verifications/"), exception)
    assert response is not None
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert json.loads(response.content)["code"] == "unavailable"


def test_other_errors_are_left_to_the_500_handler(rf):
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    assert middleware.process_exception(rf.get("/documents/"), RuntimeError("boom")) is None

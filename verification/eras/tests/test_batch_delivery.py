"""The batch path of webhook pushes: a fixed number of statements per batch, one kept-alive
connection per receiver, the pulled report's exact bytes, a crash between claim and record
resumed with the same delivery ids, and one program's failing receiver holding up no other."""

from __future__ import annotations

import datetime
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from exams.models import ExamResult
from verification.eras import webhooks
from verification.eras.models import StatusReport, WebhookAttempt, WebhookDelivery
from verification.eras.serializers import StatusReportSerializer
from verification.eras.services import status_reports_refresh
from verification.eras.webhooks import (
    STALE_SENDING,
    backoff_seconds,
    webhook_batches,
    webhook_deliveries_attempt,
    webhook_deliveries_programs,
    webhook_deliveries_sweep,
)

from .conftest import apply, with_webhook
from .factories import ProgramFactory, applicant

pytestmark = pytest.mark.django_db


@dataclass
class KeepAliveReceiver:
    url: str = ""
    status: int = 204
    bodies: list[bytes] = field(default_factory=list)
    delivery_ids: list[str] = field(default_factory=list)
    client_ports: set[int] = field(default_factory=set)


@contextmanager
def keep_alive_receiver(status: int = 204) -> Iterator[KeepAliveReceiver]:
    """An HTTP/1.1 receiver on 127.0.0.1 that keeps connections open, as real ones do."""
    state = KeepAliveReceiver(status=status)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            state.bodies.append(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            state.delivery_ids.append(self.headers["X-ECFMG-Delivery"])
            state.client_ports.add(self.client_address[1])
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def people_with_reports(feed, program, count: int) -> list[int]:
    """``count`` applicants applied to ``program``; the delivery ids of their first versions."""
    for n in range(count):
        apply(feed, applicant(given_names=f"Ana{n}", last_name="Pérez"), program)
    return list(WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True))


def statements(queries: CaptureQueriesContext) -> list[str]:
    # The test's own transaction turns atomic() into savepoints; those are not the batch's work.
    return [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"].upper()]


@pytest.mark.parametrize("size", [1, 3, 7])
def test_a_batch_is_four_statements_whatever_its_size(feed, program, size):
    with keep_alive_receiver() as receiver:
        with_webhook(program, receiver.url)
        ids = people_with_reports(feed, program, size)
        with CaptureQueriesContext(connection) as queries:
            result = webhook_deliveries_attempt(delivery_ids=ids)
    assert set(result.outcomes.values()) == {"delivered"} and len(result.outcomes) == size
    # claim (UPDATE ... RETURNING), read reports and program, record: update + insert attempts
    assert len(statements(queries)) == 4, statements(queries)
    assert WebhookAttempt.objects.count() == size
    assert WebhookDelivery.objects.filter(status="delivered", delivered_at__isnull=False).count() == size


def test_a_batch_posts_over_one_kept_alive_connection(feed, program):
    with keep_alive_receiver() as receiver:
        with_webhook(program, receiver.url)
        ids = people_with_reports(feed, program, 4)
        webhook_deliveries_attempt(delivery_ids=ids)
        more = people_with_reports(feed, program, 2)[4:]
        webhook_deliveries_attempt(delivery_ids=more)
    assert len(receiver.bodies) == 6
    assert len(receiver.client_ports) == 1  # one TCP connection for both batches


def test_the_pushed_body_is_the_pulled_report_byte_for_byte(feed, program, person):
    ExamResult.objects.create(
        applicant=person, exam="STEP1", test_date=datetime.date(2025, 6, 1), outcome="pass"
    )
    with keep_alive_receiver() as receiver:
        with_webhook(program, receiver.url)
        apply(feed, person, program)
        [delivery_id] = WebhookDelivery.objects.values_list("pk", flat=True)
        webhook_deliveries_attempt(delivery_ids=[delivery_id])
    report = StatusReport.objects.select_related("application", "program").get()
    assert receiver.bodies == [bytes(JSONRenderer().render(StatusReportSerializer(report).data))]
    assert "Núñez".encode() in receiver.bodies[0]


def test_a_crash_between_claim_and_record_is_resumed_with_the_same_delivery_ids(feed, program, monkeypatch):
    with keep_alive_receiver() as receiver:
        with_webhook(program, receiver.url)
        ids = people_with_reports(feed, program, 3)

        def worker_dies(*args: object, **kwargs: object) -> None:
            raise SystemExit("worker killed after posting, before recording")

        monkeypatch.setattr(webhooks, "_record", worker_dies)
        with pytest.raises(SystemExit):
            webhook_deliveries_attempt(delivery_ids=ids)
        monkeypatch.undo()
        first_posts = list(receiver.delivery_ids)
        assert len(first_posts) == 3
        assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"sending"}

        # The unacknowledged task comes back: the claims are fresh, nothing is posted again.
        assert webhook_deliveries_attempt(delivery_ids=ids).outcomes == {}
        assert len(receiver.delivery_ids) == 3

        # Once stale, the sweep puts them back and the batch sends them again, same ids.
        with time_machine.travel(timezone.now() + STALE_SENDING + datetime.timedelta(minutes=1)):
            assert sorted(webhook_deliveries_sweep()) == ids
            result = webhook_deliveries_attempt(delivery_ids=ids)
    assert set(result.outcomes.values()) == {"delivered"}
    assert receiver.delivery_ids[3:] == first_posts  # redelivered, not new deliveries
    public_ids = {str(u) for u in WebhookDelivery.objects.values_list("public_id", flat=True)}
    assert set(first_posts) == public_ids and WebhookDelivery.objects.count() == 3


def test_a_500_from_one_program_does_not_hold_up_the_others(feed, django_capture_on_commit_callbacks):
    failing = ProgramFactory.create(name="Failing", acgme_program_id="1404121009")
    healthy = ProgramFactory.create(name="Healthy", acgme_program_id="1404121008")
    people = [applicant(given_names=f"Li{n}", last_name="Wu") for n in range(3)]
    for person in people:
        apply(feed, person, failing, healthy)
    with keep_alive_receiver(status=500) as broken, keep_alive_receiver() as working:
        with_webhook(failing, broken.url)
        with_webhook(healthy, working.url)
        for person in people:
            ExamResult.objects.create(
                applicant=person, exam="STEP1", test_date=datetime.date(2025, 6, 1), outcome="pass"
            )
        # The refresh queues one task per program, run here (eager) when the versions commit.
        with django_capture_on_commit_callbacks(execute=True) as queued:
            status_reports_refresh(applicant_ids=[p.pk for p in people], cause="exam_result.pass")
    assert len(queued) == 2
    assert len(broken.bodies) == 3 and len(working.bodies) == 3
    by_program = {
        program: set(WebhookDelivery.objects.filter(report__program=program).values_list("status", flat=True))
        for program in (failing, healthy)
    }
    assert by_program == {failing: {"pending"}, healthy: {"delivered"}}
    retry = WebhookDelivery.objects.filter(report__program=failing).first()
    assert retry is not None and retry.response_code == 500 and retry.next_attempt_at is not None
    assert retry.next_attempt_at > timezone.now() + datetime.timedelta(seconds=backoff_seconds(1) - 5)


def test_in_a_mixed_batch_a_failing_receiver_does_not_stop_the_others(feed):
    failing = ProgramFactory.create(name="Failing", acgme_program_id="1404121009")
    healthy = ProgramFactory.create(name="Healthy", acgme_program_id="1404121008")
    with keep_alive_receiver(status=503) as broken, keep_alive_receiver() as working:
        with_webhook(failing, broken.url)
        with_webhook(healthy, working.url)
        for n in range(2):
            apply(feed, applicant(given_names=f"Li{n}", last_name="Wu"), failing, healthy)
        ids = list(WebhookDelivery.objects.values_list("pk", flat=True))
        # The sweep regroups by program; one batch holding both still delivers the healthy ones.
        assert len(webhook_batches(webhook_deliveries_programs(ids))) == 2
        result = webhook_deliveries_attempt(delivery_ids=ids)
    assert sorted(result.outcomes.values()) == ["delivered", "delivered", "retry", "retry"]


def test_an_unreachable_receiver_is_tried_once_per_batch_and_the_rest_wait_for_its_retry(feed, program):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with_webhook(program, f"http://127.0.0.1:{port}/hook")
    ids = people_with_reports(feed, program, 3)

    result = webhook_deliveries_attempt(delivery_ids=ids)

    assert list(result.outcomes.values()) == ["retry"]  # only the first was attempted
    assert result.due_in == dict.fromkeys(ids, backoff_seconds(1))
    assert WebhookAttempt.objects.count() == 1
    rows = list(WebhookDelivery.objects.order_by("pk").values_list("status", "attempts", "claimed_at"))
    assert rows == [("pending", 1, None), ("pending", 0, None), ("pending", 0, None)]

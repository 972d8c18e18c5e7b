from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from applicants.models import Applicant
from verification.eras.models import ResidencyApplication, StatusReport, WebhookDelivery
from verification.eras.services import program_webhook_configure, residency_applications_receive
from verification.models import Organization
from verification.services.keys import api_key_issue

from .factories import FeedFactory, ProgramFactory, applicant


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A program's webhook endpoint on 127.0.0.1: answers the scripted status codes in
    turn (then the last one again) and keeps every request it got."""

    url: str = ""
    statuses: list[int] = field(default_factory=lambda: [200])
    requests: list[Received] = field(default_factory=list)

    def next_status(self) -> int:
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            state.requests.append(Received(dict(self.headers.items()), self.rfile.read(length)))
            self.send_response(state.next_status())
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/ecfmg/reports"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _fresh_throttles() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _loopback_webhooks(settings: object) -> None:
    """Test receivers listen on 127.0.0.1, which production refuses (SSRF)."""
    settings.WEBHOOK_ALLOW_PRIVATE = True  # type: ignore[attr-defined]


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def person(db: None) -> Applicant:
    return applicant(given_names="María José", last_name="Núñez")


@pytest.fixture
def program(db: None) -> Organization:
    return ProgramFactory.create(name="Internal Medicine, General Hospital", acgme_program_id="1404121001")


@pytest.fixture
def other_program(db: None) -> Organization:
    return ProgramFactory.create(name="Surgery, City Hospital", acgme_program_id="4404121002")


@pytest.fixture
def feed(db: None) -> Organization:
    return FeedFactory.create(name="ERAS (AAMC)")


@pytest.fixture
def feed_plain(db: None) -> Organization:
    """An organization that has not (yet) been given the ERAS feed right."""
    return FeedFactory.create(name="ERAS (AAMC)", access=False)


def key_of(organization: Organization) -> dict[str, str]:
    """Request headers with a fresh key of this organization."""
    return {"HTTP_AUTHORIZATION": f"Token {api_key_issue(organization=organization)[1]}"}


def apply(feed: Organization, person: Applicant, *programs: Organization) -> list[ResidencyApplication]:
    received = residency_applications_receive(
        feed=feed,
        usmle_id=str(person.usmle_id),
        season="2027",
        program_ids=[str(p.acgme_program_id) for p in programs],
    )
    return [r.application for r in received]


def with_webhook(program: Organization, url: str) -> Organization:
    return program_webhook_configure(program=program, url=url)


def only_delivery() -> WebhookDelivery:
    return WebhookDelivery.objects.select_related("report").get()


def latest_report(program: Organization) -> StatusReport:
    return StatusReport.objects.filter(program=program).order_by("-id")[0]

"""Issue 11, section 3: a webhook URL saved in the organization admin goes through the
same check and audit as the API; link-local, loopback and special addresses are
refused in every IPv4 and IPv6 spelling (mapped, compatible, NAT64, 6to4, Teredo)."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.urls import reverse

from ecfmg_portal.audit.models import AuditEntry
from verification.eras.webhooks import webhook_url_refusal
from verification.models import Organization

from .conftest import verified_client

pytestmark = pytest.mark.django_db

REFUSED_LITERALS = [
    "169.254.169.254",  # cloud metadata
    "127.0.0.1",
    "10.0.0.8",
    "0.0.0.0",  # noqa: S104 - an address to refuse, not to bind
    "::1",
    "::",
    "fe80::1",
    "fc00::5",
    "::ffff:169.254.169.254",  # IPv4-mapped
    "::ffff:127.0.0.1",
    "::a9fe:a9fe",  # IPv4-compatible 169.254.169.254 (Python calls it global)
    "::7f00:1",  # IPv4-compatible 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of the metadata address
    "64:ff9b::7f00:1",  # NAT64 of loopback
    "64:ff9b::a00:8",  # NAT64 of 10.0.0.8
    "64:ff9b:1::a9fe:a9fe",  # local-use NAT64
    "2002:a9fe:a9fe::1",  # 6to4 of the metadata address
    "2002:7f00:1::1",  # 6to4 of loopback
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
]


def resolving_to(monkeypatch: Any, address: str) -> None:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: [(family, socket.SOCK_STREAM, 6, "", (address, 443))]
    )


@pytest.mark.parametrize("address", REFUSED_LITERALS)
def test_special_addresses_are_refused_in_every_spelling(monkeypatch, settings, address):
    settings.DEBUG, settings.WEBHOOK_ALLOW_PRIVATE = False, False
    resolving_to(monkeypatch, address)
    assert webhook_url_refusal("https://receiver.example/hooks") is not None


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "64:ff9b::5db8:d822"]
)
def test_public_addresses_are_accepted(monkeypatch, settings, address):
    settings.DEBUG, settings.WEBHOOK_ALLOW_PRIVATE = False, False
    resolving_to(monkeypatch, address)
    assert webhook_url_refusal("https://receiver.example/hooks") is None


@pytest.fixture
def program() -> Organization:
    return Organization.objects.create(
        name="General Hospital IM", kind=Organization.Kind.RESIDENCY_PROGRAM, acgme_program_id="1403521001"
    )


def form(program: Organization, url: str) -> dict[str, Any]:
    return {
        "name": program.name,
        "kind": program.kind,
        "acgme_program_id": program.acgme_program_id,
        "webhook_url": url,
        "is_active": "on",
        "api_keys-TOTAL_FORMS": "0",
        "api_keys-INITIAL_FORMS": "0",
    }


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8000/", "http://[::ffff:127.0.0.1]/"],
)
def test_the_organization_admin_refuses_what_the_api_refuses(make_staff, program, settings, url):
    settings.DEBUG, settings.WEBHOOK_ALLOW_PRIVATE = False, False
    client = verified_client(make_staff(superuser=True))
    inline_prefix = _inline_prefix(client, program)
    response = client.post(
        reverse("admin:verification_organization_change", args=[program.pk]),
        form(program, url) | inline_prefix,
    )
    assert response.status_code == 200
    assert "private or local network address" in response.content.decode()
    program.refresh_from_db()
    assert program.webhook_url == ""
    assert not AuditEntry.objects.filter(action="eras.webhook.configured").exists()


def test_a_webhook_set_in_the_admin_gets_a_secret_and_an_audit_entry_naming_who(
    make_staff, program, monkeypatch, settings
):
    settings.DEBUG, settings.WEBHOOK_ALLOW_PRIVATE = False, False
    resolving_to(monkeypatch, "93.184.216.34")
    staff_user = make_staff(superuser=True)
    client = verified_client(staff_user)
    response = client.post(
        reverse("admin:verification_organization_change", args=[program.pk]),
        form(program, "https://receiver.example/hooks") | _inline_prefix(client, program),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    program.refresh_from_db()
    assert program.webhook_url == "https://receiver.example/hooks"
    assert program.webhook_secret
    entry = AuditEntry.objects.get(action="eras.webhook.configured")
    assert entry.actor_id == staff_user.pk
    assert entry.after["webhook_url"] == "https://receiver.example/hooks"


def test_a_webhook_on_an_organization_that_is_not_a_program_is_refused(make_staff, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    board = Organization.objects.create(name="State Board", kind=Organization.Kind.LICENSING_AUTHORITY)
    client = verified_client(make_staff(superuser=True))
    data = form(board, "https://receiver.example/hooks") | _inline_prefix(client, board)
    data["acgme_program_id"] = ""
    response = client.post(reverse("admin:verification_organization_change", args=[board.pk]), data)
    assert response.status_code == 200
    board.refresh_from_db()
    assert board.webhook_url == ""


def _inline_prefix(client: Any, organization: Organization) -> dict[str, str]:
    page = client.get(reverse("admin:verification_organization_change", args=[organization.pk]))
    [formset] = page.context["inline_admin_formsets"]
    prefix = formset.formset.prefix
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}

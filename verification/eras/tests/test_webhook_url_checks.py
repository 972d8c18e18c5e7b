"""Webhook URLs: http(s) only, and never the server's own network in production (SSRF)."""

from __future__ import annotations

import pytest

from verification.eras.models import WebhookDelivery
from verification.eras.tasks import webhook_deliver
from verification.eras.webhooks import webhook_url_refusal

from .conftest import apply, only_delivery, with_webhook


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_PRIVATE = False


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_it_refuses_local_and_private_addresses_in_production(production, url):
    assert webhook_url_refusal(url) == "The webhook URL points to a private or local network address."


@pytest.mark.parametrize(
    "url", ["ftp://gme.example.org/x", "file:///etc/passwd", "https://user:pw@8.8.8.8/x", "http:///x"]
)
def test_it_refuses_other_schemes_credentials_and_no_host(production, url):
    assert webhook_url_refusal(url) is not None


def test_it_accepts_a_public_address(production):
    assert webhook_url_refusal("https://8.8.8.8/ecfmg") is None


def test_loopback_is_allowed_when_the_setting_says_so(settings):
    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_PRIVATE = True
    assert webhook_url_refusal("http://127.0.0.1:9000/hook") is None


@pytest.mark.django_db
def test_a_url_that_became_private_is_not_called(receiver, feed, person, program, settings):
    with_webhook(program, receiver.url)
    apply(feed, person, program)
    settings.WEBHOOK_ALLOW_PRIVATE = False

    assert webhook_deliver(only_delivery().pk) == "failed"
    assert receiver.requests == []
    assert "private or local" in WebhookDelivery.objects.get().last_error

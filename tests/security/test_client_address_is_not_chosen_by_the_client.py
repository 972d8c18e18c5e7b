"""Issue 11, section 4: one client-address function, honouring exactly the configured
number of trusted proxies (default 0), feeds every rate limit and the login lockout;
production refuses settings that would make the limits meaningless."""

from __future__ import annotations

import pytest
from axes.helpers import get_client_ip_address
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from applicants.tests.factories import UserFactory
from ecfmg_portal.security.client_ip import client_ip

from .test_deployment_posture import manage, production_env

pytestmark = pytest.mark.django_db


@pytest.fixture
def verify_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "1000/minute", "verify_page": "5/minute"},
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_by_default_no_proxy_is_trusted():
    assert django_settings.TRUSTED_PROXY_COUNT == 0


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "203.0.113.5, 198.51.100.1", "10.0.0.1"),
        (1, "203.0.113.5, 198.51.100.1", "198.51.100.1"),
        (3, "203.0.113.5, 198.51.100.1", "10.0.0.1"),  # fewer entries than proxies: not a guess
        (1, "198.51.100.1\x00", "10.0.0.1"),
        (1, "::ffff:198.51.100.1", "::ffff:c633:6401"),
        (1, "[2001:db8::1]", "10.0.0.1"),
        (1, "999.1.1.1", "10.0.0.1"),
    ],
)
def test_the_address_is_read_exactly_as_configured(rf, settings, hops, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = hops
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_axes_uses_the_same_function(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert get_client_ip_address(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert get_client_ip_address(request) == "6.6.6.6"


def test_a_new_forwarded_header_each_time_does_not_escape_the_verify_page_limit(verify_rate):
    client = Client()
    statuses = [
        client.get("/verify/guess-0000000000000000/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(1, 31)
    ]
    assert statuses.count(404) == 5
    assert statuses.count(429) == 25


def test_behind_one_proxy_the_limit_is_per_client_not_per_proxy(settings, verify_rate):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    for _ in range(5):
        assert (
            client.get("/verify/x/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code
            == 404
        )
    # The same client, prepending spoofed entries, is still the same client.
    spoofed = client.get("/verify/x/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    assert spoofed.status_code == 429
    assert (
        client.get("/verify/x/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code
        == 404
    )


def test_the_api_throttle_reads_the_same_address(rf, settings):
    from verification.api.throttles import PublicPageThrottle

    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert PublicPageThrottle().get_ident(request) == "10.0.0.1"


def test_a_forwarded_header_cannot_lock_out_a_chosen_address(axes_reset, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT
    victim = UserFactory(email="victim-address@example.com")
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT + 2):
        Client().post(
            reverse("login"),
            {"username": f"guess{n}@example.com", "password": "wrong"},
            REMOTE_ADDR="203.0.113.66",
            HTTP_X_FORWARDED_FOR="192.0.2.123",  # the address the attacker wants locked
        )
    honest = Client()
    response = honest.post(
        reverse("login"),
        {"username": victim.email, "password": "correct-horse-battery-9"},
        REMOTE_ADDR="192.0.2.123",
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT"),
        ({"SECURE_HSTS_SECONDS": "-5"}, "SECURE_HSTS_SECONDS"),
        ({"CACHE_URL": ""}, "CACHE_URL"),
    ],
)
def test_production_refuses_settings_that_defeat_the_limits(overrides, variable):
    result = manage("check", env=production_env(**overrides))
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line and variable in last_line

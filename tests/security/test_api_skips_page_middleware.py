"""The key-authenticated API steps over the page-only middleware (ecfmg_portal/page_middleware.py):
no session, no cookie, no language negotiation; pages keep all of it, and the API keeps the
security headers."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from ecfmg_portal.page_middleware import API_PREFIX
from verification.tests.factories import issue_key

pytestmark = pytest.mark.django_db

BODY = {"usmle_id": "10000008", "last_name": "Nobody", "date_of_birth": "1990-01-01"}


def _ask(client: Client, **headers: str):
    _, raw_key = issue_key()
    return client.post(
        API_PREFIX + "verifications/",
        BODY,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {raw_key}",
        **headers,
    )


def test_an_api_answer_sets_no_cookie_and_does_not_vary_by_cookie_or_language():
    response = _ask(Client(), HTTP_ACCEPT_LANGUAGE="ar", HTTP_COOKIE=f"{settings.LANGUAGE_COOKIE_NAME}=es")
    assert response.status_code == 404
    assert not response.cookies
    vary = response.headers.get("Vary", "")
    assert "Cookie" not in vary and "Accept-Language" not in vary
    assert "Content-Language" not in response.headers


def test_an_api_answer_keeps_the_security_headers():
    response = _ask(Client())
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response.headers


def test_the_api_speaks_english_even_after_an_arabic_page_on_the_same_thread():
    client = Client()
    assert client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ar").headers["Content-Language"] == "ar"
    response = client.post(API_PREFIX + "verifications/", BODY, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["detail"].isascii()


def test_pages_still_get_sessions_csrf_and_their_language():
    response = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.headers["Content-Language"] == "es"
    assert settings.CSRF_COOKIE_NAME in response.cookies
    assert "Accept-Language" in response.headers["Vary"]

"""Production settings pass Django's deploy check; every page carries the security headers;
a malformed environment value stops the process naming the variable."""

from __future__ import annotations

import functools
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.test import Client
from django.urls import reverse

from applicants.tests.factories import UserFactory
from certificates.signing.pdf_keys import ensure_dev_signing_keys

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "ecfmg_portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(48)[:64],
        "ALLOWED_HOSTS": "portal.ecfmg.example",
        "SITE_URL": "https://portal.ecfmg.example",
        "PAYMENT_PROVIDER": "stripe",
        "STRIPE_SECRET_KEY": "sk_live_" + secrets.token_hex(24),
        "STRIPE_WEBHOOK_SECRET": "whsec_" + secrets.token_hex(24),
        "CACHE_URL": "redis://127.0.0.1:6379/3",
        "AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
        **_pdf_signing_env(),
    }
    env.update(overrides)
    return env


@functools.cache
def _pdf_signing_env() -> dict[str, str]:
    """Production refuses to start without a PDF signing key and the credential key secret."""
    directory = Path(tempfile.mkdtemp(prefix="ecfmg-signing-")) / "keys"
    ensure_dev_signing_keys(directory)
    return {
        "PDF_SIGNING_KEY_FILE": str(directory / "signer-key.pem"),
        "PDF_SIGNING_CERT_FILE": str(directory / "signer.pem"),
        "PDF_SIGNING_CHAIN_FILE": str(directory / "ca.pem"),
        "CREDENTIAL_KEY_SECRET": Fernet.generate_key().decode(),
    }


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_fails_when_hsts_is_switched_off():
    # The check above bites: without HSTS the same command fails.
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(SECURE_HSTS_SECONDS="0")
    )
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({"SECRET_KEY": "dev-insecure-key-change-me-" + "x" * 30}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"PAYMENT_PROVIDER": "sandbox"}, "PAYMENT_PROVIDER"),
        ({"AXES_FAILURE_LIMIT": "abc"}, "AXES_FAILURE_LIMIT"),
        ({"DATABASE_URL": "nonsense://"}, "DATABASE_URL"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"UPLOAD_MAX_BYTES": "10MB"}, "UPLOAD_MAX_BYTES"),
        ({"SECRET_KEY_FALLBACKS": "old-and-short"}, "SECRET_KEY_FALLBACKS"),
        # R-VE-4: no signing key, no start (a development CA is never used in production).
        ({"PDF_SIGNING_KEY_FILE": ""}, "PDF_SIGNING_KEY_FILE"),
        ({"PDF_SIGNING_CERT_FILE": "/nonexistent/signer.pem"}, "PDF_SIGNING_CERT_FILE"),
        ({"CREDENTIAL_KEY_SECRET": ""}, "CREDENTIAL_KEY_SECRET"),
    ],
)
def test_malformed_environment_stops_the_start_naming_the_variable(overrides, variable):
    result = manage("check", env=production_env(**overrides))
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert variable in last_line


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["home", "admin:login"])
def test_pages_carry_the_security_headers(url_name):
    response = Client().get(reverse(url_name))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives.get("default-src", [])
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_signed_in_pages_are_not_stored_by_browsers(client):
    anonymous = client.get(reverse("home"))
    assert "no-store" not in anonymous.get("Cache-Control", "")
    client.force_login(UserFactory())
    signed_in = client.get(reverse("home"))
    assert "no-store" in signed_in["Cache-Control"]
    assert "private" in signed_in["Cache-Control"]

"""`make run` tells every demo staff login how to sign in, and what it prints works."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from applicants.demo import loader
from applicants.management.commands import seed_demo as seed_command

pytestmark = pytest.mark.django_db


def test_every_demo_staff_login_signs_in_with_a_printed_code(monkeypatch):
    summary = loader.DemoSummary()
    loader._staff(summary)
    emails = [email for email, _, _, _ in summary.staff_logins]
    assert emails == [
        "admin@ecfmg.test",
        "reviewer@ecfmg.test",
        "finance@ecfmg.test",
        "exams@ecfmg.test",
        "certificates@ecfmg.test",
    ]
    for email, _role, uri, codes in summary.staff_logins:
        assert uri.startswith("otpauth://totp/") and len(codes) == loader.DEMO_CODES
        client = Client()
        data = {"username": email, "password": loader.STAFF_PASSWORD, "otp_token": codes[-1]}
        response = client.post(reverse("admin:login"), data)
        assert response.status_code == 302, email
        assert client.get(reverse("admin:index")).status_code == 200, email

    summary.keys = [("Demo board", "key")]
    monkeypatch.setattr(seed_command, "seed_demo", lambda: summary)
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    for email, _role, uri, codes in summary.staff_logins:
        assert email in printed and uri in printed and codes[0] in printed

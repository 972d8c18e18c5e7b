"""Personal data stays out of application logs; the redaction filter is the backstop."""

from __future__ import annotations

import datetime
import logging
import logging.config
import re
import sys

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applicants.models import Applicant
from credentials.tests.factories import SchoolFactory
from ecfmg_portal.logging_filters import RedactPersonalData, redact
from ecfmg_portal.settings import base


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("signup for maria.nunez+test@example.org done", "signup for [email] done"),
        ("born 1995-04-12", "born [date]"),
        ("born 12/04/1995 and 3.4.1990", "born [date] and [date]"),
        ("applicant 42 issued at 2026-11-25T14:00:00", "applicant 42 issued at 2026-11-25T14:00:00"),
        ("usmle id 12345678 checked", "usmle id 12345678 checked"),
    ],
)
def test_redact_masks_emails_and_dates(text, expected):
    assert redact(text) == expected


def test_filter_masks_arguments_and_exception_text():
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "user %s born %s", ("a@b.io", "1990-01-02"), None
    )
    try:
        raise ValueError("duplicate key a@b.io")
    except ValueError:
        record.exc_info = sys.exc_info()
    RedactPersonalData().filter(record)
    assert record.getMessage() == "user [email] born [date]"
    assert "a@b.io" not in (record.exc_text or "")


def test_base_settings_attach_the_filter_to_every_handler(tmp_path):
    config = base.LOGGING
    for name, handler in config["handlers"].items():
        assert "redact_personal_data" in handler.get("filters", []), name
    logging.config.dictConfig({**config, "root": {"handlers": ["console"], "level": "INFO"}})
    try:
        handler = logging.getLogger().handlers[0]
        assert any(isinstance(f, RedactPersonalData) for f in handler.filters)
    finally:
        logging.config.dictConfig(settings.LOGGING)


@pytest.mark.django_db
def test_signup_and_id_issue_log_no_name_birth_date_or_email(caplog, client, axes_reset):
    """The real pages: sign up, confirm the address, fill identity, get the ID."""
    caplog.set_level(logging.DEBUG)
    email = "ximena.quispe-huaman@example.org"
    password = "Quiet-lantern-harbour-7"
    school = SchoolFactory()
    signup = client.post(reverse("signup"), {"email": email, "password1": password, "password2": password})
    # Sign-up now asks to confirm the address first: its answer is the check-your-e-mail page.
    assert signup.status_code == 200
    assert "Check your e-mail" in signup.content.decode()
    link = re.search(r"/account/confirm/[^/\s]+/", mail.outbox[-1].body)
    assert link is not None
    client.get(link.group(0))
    # Confirming the address does not sign in: the applicant logs in on the real page.
    login = client.post(reverse("login"), {"username": email, "password": password})
    assert login.status_code == 302
    identity = client.post(
        reverse("identity"),
        {
            "given_names": "Ximena",
            "last_name": "Quispe-Huaman",
            "date_of_birth": "1993-07-19",
            "country": "PE",
            "school": school.pk,
            "graduation_date": (timezone.localdate() - datetime.timedelta(days=400)).isoformat(),
            "academic_years": "6",
            "transfer_school": "",
            "transfer_years": "0",
        },
    )
    assert identity.status_code == 302
    # Check the answers, then confirm them: that issues the ID (issue 12).
    digest = client.get(reverse("identity_check")).context["digest"]
    assert client.post(reverse("identity_check"), {"answers": digest}).status_code == 302
    assert Applicant.objects.get(user__email=email).usmle_id  # the flow really ran
    client.get(reverse("dashboard"))
    logged = "\n".join([r.getMessage() for r in caplog.records] + [r.exc_text or "" for r in caplog.records])
    assert caplog.records, "the flow logs something (requests, tasks); none of it personal"
    for secret in (email, "ximena", "Ximena", "Quispe", "1993-07-19", "19/07/1993"):
        assert secret not in logged

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applicants.models import Applicant, User
from applicants.services.accounts import email_confirmation_token
from applicants.tests.portal_helpers import make_new_applicant

pytestmark = pytest.mark.django_db
GOOD_PASSWORD = "tulip-harbour-engine-42"


def _sign_up(client: Client, email: str = "Nadia@Example.com", password: str = GOOD_PASSWORD):
    return client.post(reverse("signup"), {"email": email, "password1": password, "password2": password})


def _link(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://\S+(/account/confirm/\S+/)", str(message.body))
    assert match, message.body
    return match.group(1)


def test_it_creates_an_unconfirmed_account_logs_in_and_mails_a_link(client: Client) -> None:
    response = _sign_up(client)
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    user = User.objects.get()
    assert user.email == "nadia@example.com"
    assert user.email_confirmed_at is None
    assert Applicant.objects.filter(user=user).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nadia@example.com"]
    page = client.get(reverse("dashboard"))
    assert "Confirm your e-mail address first" in page.content.decode()


def test_the_link_confirms_the_address(client: Client) -> None:
    _sign_up(client)
    response = client.get(_link(mail.outbox[0]))
    assert response.status_code == 302
    assert User.objects.get().email_confirmed_at is not None


def test_it_applies_django_password_validators(client: Client) -> None:
    response = _sign_up(client, password="12345678")
    assert response.status_code == 200
    assert not User.objects.exists()
    body = response.content.decode()
    assert "Please correct" in body and "too short" in body


def test_an_address_already_registered_is_refused_whatever_its_case(client: Client) -> None:
    make_new_applicant(email="taken@example.com")
    response = _sign_up(client, email="TAKEN@example.com")
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


def test_an_expired_link_is_refused_with_what_to_do(client: Client) -> None:
    applicant = make_new_applicant(confirmed=False)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=4)):
        token = email_confirmation_token(user=applicant.user)
    response = client.get(reverse("confirm_email", kwargs={"token": token}))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    applicant.user.refresh_from_db()
    assert applicant.user.email_confirmed_at is None


def test_a_tampered_link_is_refused(client: Client) -> None:
    applicant = make_new_applicant(confirmed=False)
    token = email_confirmation_token(user=applicant.user)
    response = client.get(reverse("confirm_email", kwargs={"token": token[:-2] + "xx"}))
    assert response.status_code == 400
    applicant.user.refresh_from_db()
    assert applicant.user.email_confirmed_at is None


def test_a_new_link_can_be_requested(client: Client) -> None:
    applicant = make_new_applicant(confirmed=False)
    client.force_login(applicant.user)
    response = client.post(reverse("resend_confirmation"))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    client.get(_link(mail.outbox[0]))
    applicant.user.refresh_from_db()
    assert applicant.user.email_confirmed_at is not None


def test_signup_page_runs_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert client.get(reverse("signup")).status_code == 200

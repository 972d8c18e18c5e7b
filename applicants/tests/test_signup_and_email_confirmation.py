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


def test_it_creates_an_unconfirmed_account_and_says_check_your_email(client: Client) -> None:
    response = _sign_up(client)
    assert response.status_code == 200
    assert "Check your e-mail" in response.content.decode()
    user = User.objects.get()
    assert user.email == "nadia@example.com"
    assert user.email_confirmed_at is None
    assert Applicant.objects.filter(user=user).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nadia@example.com"]
    # Not signed in until the address is confirmed and the applicant logs in.
    assert client.get(reverse("dashboard")).status_code == 302


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


def test_signup_never_reveals_that_an_address_has_an_account(client: Client) -> None:
    """Issue 12 item 11: the page is the same; only the owner of the address learns, by
    an e-mail that says so and links to password reset."""

    def main(response) -> str:  # type: ignore[no-untyped-def]
        page = response.content.decode()
        return page[page.index("<main") : page.index("</main>")]

    fresh = main(_sign_up(Client(), email="new@example.com"))
    mail.outbox.clear()
    make_new_applicant(email="taken@example.com")
    response = _sign_up(client, email="TAKEN@example.com")
    assert response.status_code == 200
    assert main(response).replace("taken@example.com", "X") == fresh.replace("new@example.com", "X")
    assert User.objects.filter(email="taken@example.com").count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["taken@example.com"]
    body = str(mail.outbox[0].body)
    assert "already has an account" in body
    assert "http://testserver/password-reset/" in body or reverse("password_reset") in body


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

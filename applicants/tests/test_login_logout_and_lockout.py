from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from applicants.tests.portal_helpers import PASSWORD, make_applicant

pytestmark = pytest.mark.django_db


def test_it_logs_in_with_the_email_in_any_case_and_rotates_the_session(client: Client) -> None:
    applicant = make_applicant()
    client.get(reverse("login"))
    before = client.session.session_key
    response = client.post(reverse("login"), {"username": applicant.user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.session.session_key != before
    assert int(client.session["_auth_user_id"]) == applicant.user.pk


def test_a_wrong_password_says_what_to_check(client: Client) -> None:
    applicant = make_applicant()
    response = client.post(reverse("login"), {"username": applicant.user.email, "password": "nope-nope-nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_repeated_failures_lock_the_account_with_a_clear_page(client: Client, settings) -> None:
    applicant = make_applicant()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": applicant.user.email, "password": "wrong-password-1"})
    # Even the right password is refused while the lock lasts.
    response = client.post(reverse("login"), {"username": applicant.user.email, "password": PASSWORD})
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many failed log-in attempts" in body and "reset your password" in body
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(client: Client) -> None:
    applicant = make_applicant()
    client.force_login(applicant.user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_pages_ask_anonymous_visitors_to_log_in(client: Client) -> None:
    for name in ("dashboard", "identity", "exams", "documents", "account"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_welcome_and_login_pages_run_no_query(client: Client, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert client.get(reverse("home")).status_code == 200
        assert client.get(reverse("login")).status_code == 200


def test_changing_the_case_of_the_address_does_not_escape_the_lock(client: Client, settings) -> None:
    applicant = make_applicant(user__email="case@example.com")
    variants = [
        "case@example.com",
        "CASE@example.com",
        "Case@Example.com",
        "case@EXAMPLE.com",
        "cAse@example.com",
    ]
    # The lock is per account and address (ecfmg_portal/security/lockout.py): the
    # same address, the same account in five different cases.
    for variant in variants[: settings.AXES_FAILURE_LIMIT]:
        # A new client each time: a fresh session, the same account.
        Client(REMOTE_ADDR="10.0.0.1").post(
            reverse("login"), {"username": variant, "password": "wrong-password-1"}
        )
    response = Client(REMOTE_ADDR="10.0.0.1").post(
        reverse("login"), {"username": applicant.user.email, "password": PASSWORD}
    )
    assert response.status_code == 429

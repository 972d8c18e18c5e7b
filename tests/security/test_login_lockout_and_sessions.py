"""Lockout after repeated failures (per account-and-address, looser per address) on both logins; strong passwords;
a new session key at login; logout ends the session for good."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from applicants.models import User
from applicants.tests.factories import UserFactory
from ecfmg_portal.security.client_ip import client_ip

from .conftest import STAFF_PASSWORD

pytestmark = pytest.mark.django_db
APPLICANT_PASSWORD = "correct-horse-battery-9"  # UserFactory's
LOGINS = ["login", "admin:login"]


def _user_for(url_name: str, email: str) -> User:
    if url_name == "admin:login":
        return User.objects.create_user(email=email, password=STAFF_PASSWORD, is_staff=True)
    return UserFactory(email=email)


def _password(url_name: str) -> str:
    return STAFF_PASSWORD if url_name == "admin:login" else APPLICANT_PASSWORD


def _attempt(client: Client, url_name: str, email: str, password: str, ip: str):
    return client.post(reverse(url_name), {"username": email, "password": password}, REMOTE_ADDR=ip)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url_name", LOGINS)
def test_an_account_is_locked_from_the_address_that_failed_and_not_from_others(url_name, axes_reset):
    user = _user_for(url_name, "target@example.com")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _attempt(client, url_name, user.email, "wrong-password", "198.51.100.1")
        assert response.status_code in (200, 429)
    locked = _attempt(client, url_name, user.email, _password(url_name), "198.51.100.1")
    assert locked.status_code == 429
    assert not _signed_in(client)
    # Failures from one address cannot lock the person out everywhere (R: lockout per
    # account-and-address): the owner signs in from their own address.
    if url_name == "login":
        owner = Client()
        assert _attempt(owner, url_name, user.email, _password(url_name), "203.0.113.77").status_code == 302
        assert _signed_in(owner)


@pytest.mark.parametrize("url_name", LOGINS)
def test_five_typos_behind_a_nat_lock_one_account_not_the_whole_address(url_name, axes_reset):
    typist = _user_for(url_name, "typist@example.com")
    colleague = _user_for(url_name, "colleague@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(Client(), url_name, typist.email, "wrong-password", "192.0.2.9")
    assert _attempt(Client(), url_name, typist.email, _password(url_name), "192.0.2.9").status_code == 429
    colleague_client = Client()
    response = _attempt(colleague_client, url_name, colleague.email, _password(url_name), "192.0.2.9")
    assert response.status_code == 302
    assert _signed_in(colleague_client)


@pytest.mark.parametrize("url_name", LOGINS)
def test_an_address_is_locked_after_the_looser_limit_across_accounts(url_name, settings, axes_reset):
    settings.AXES_ADDRESS_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT * 2
    victim = _user_for(url_name, "victim@example.com")
    client = Client()
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        _attempt(client, url_name, f"guess{n}@example.com", "wrong-password", "192.0.2.9")
    if url_name == "login":  # one below the address limit: still open for others
        probe = Client()
        assert _attempt(probe, url_name, victim.email, _password(url_name), "192.0.2.9").status_code == 302
        probe.post(reverse("logout"))
    _attempt(client, url_name, "one-more@example.com", "wrong-password", "192.0.2.9")
    blocked = _attempt(Client(), url_name, victim.email, _password(url_name), "192.0.2.9")
    assert blocked.status_code == 429
    # The same account from another address is not affected by that address's lock.
    if url_name == "login":
        other = Client()
        assert _attempt(other, url_name, victim.email, _password(url_name), "192.0.2.10").status_code == 302
        assert _signed_in(other)


def test_a_valid_login_from_the_address_does_not_wipe_its_failure_count(settings, axes_reset):
    # An attacker with an account of their own cannot reset the address count between guesses.
    settings.AXES_ADDRESS_FAILURE_LIMIT = 4
    own = UserFactory(email="attacker-own@example.com")
    for n in range(3):
        _attempt(Client(), "login", f"guess{n}@example.com", "wrong-password", "192.0.2.33")
    assert _attempt(Client(), "login", own.email, APPLICANT_PASSWORD, "192.0.2.33").status_code == 302
    _attempt(Client(), "login", "guess-last@example.com", "wrong-password", "192.0.2.33")
    assert _attempt(Client(), "login", own.email, APPLICANT_PASSWORD, "192.0.2.33").status_code == 429


def test_failures_below_the_limit_do_not_lock(axes_reset):
    user = UserFactory(email="typo@example.com")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _attempt(client, "login", user.email, "wrong-password", "192.0.2.50")
    assert _attempt(client, "login", user.email, APPLICANT_PASSWORD, "192.0.2.50").status_code == 302


@pytest.mark.parametrize(
    "password",
    ["short1!", "1234567890123", "password123", "qwertyuiop", "target.person@example.com"],
)
def test_weak_passwords_are_refused(password):
    user = User(email="target.person@example.com")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_signup_with_a_weak_password_creates_no_account(client):
    response = client.post(
        reverse("signup"),
        {"email": "new@example.com", "password1": "password123", "password2": "password123"},
    )
    assert response.status_code in (200, 400)
    assert not User.objects.filter(email="new@example.com").exists()


def test_login_issues_a_new_session_key(client, axes_reset):
    user = UserFactory(email="fixation@example.com")
    session = client.session
    session["probe"] = "planted before login"
    session.save()
    planted_key = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = planted_key
    response = _attempt(client, "login", user.email, APPLICANT_PASSWORD, "192.0.2.60")
    assert response.status_code == 302
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != planted_key
    assert not SessionStore(session_key=planted_key).exists(planted_key)


def test_logout_invalidates_the_session(client, axes_reset):
    user = UserFactory(email="leaving@example.com")
    _attempt(client, "login", user.email, APPLICANT_PASSWORD, "192.0.2.70")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert SessionStore(session_key=key).exists(key)
    client.post(reverse("logout"))
    assert not SessionStore(session_key=key).exists(key)
    # Replaying the old cookie opens nothing.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    response = replay.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.1"),  # no proxy: the header is the client's own words
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # a spoofed left part is ignored
        (2, "203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (1, "", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
    ],
)
def test_client_address_behind_trusted_proxies(rf, settings, hops, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = hops
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_a_proxy_one_clients_failures_do_not_lock_out_the_others(settings, axes_reset):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_ADDRESS_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT
    victim = UserFactory(email="behind-proxy@example.com")
    attacker, honest = Client(), Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(
            reverse("login"),
            {"username": f"guess{n}@example.com", "password": "wrong-password"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    blocked = attacker.post(
        reverse("login"),
        {"username": victim.email, "password": APPLICANT_PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert blocked.status_code == 429
    # Same proxy (REMOTE_ADDR), another client: not locked.
    response = honest.post(
        reverse("login"),
        {"username": victim.email, "password": APPLICANT_PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert response.status_code == 302
    assert _signed_in(honest)

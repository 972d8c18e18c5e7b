"""Choosing the language: the browser's on a first visit, the switcher's after, the
account's once signed in, and the applicant's own in every e-mail (issue 16)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from applicants.models import User
from applicants.tests.portal_helpers import PASSWORD, logged_in, make_new_applicant

pytestmark = pytest.mark.django_db


def _lang(response) -> str:
    html = response.content.decode()
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("es-AR,es;q=0.9,en;q=0.5", "es"),
        ("ar", "ar"),
        ("zh-CN,zh;q=0.9", "zh-hans"),
        ("de-DE", "en"),
        ("", "en"),
    ],
)
def test_a_first_visit_follows_the_browsers_accept_language(client, accept, expected):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=accept)
    assert _lang(response) == expected
    assert response["Content-Language"] == expected


def test_every_page_has_the_switcher_naming_each_language_in_itself(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    for code, name in [
        ("en", "English"),
        ("es", "Español"),
        ("fr", "Français"),
        ("pt", "Português"),
        ("ar", "العربيّة"),
        ("ru", "Русский"),
        ("zh-hans", "简体中文"),
    ]:
        assert f'<option value="{code}" lang="{code}"' in html
        assert f">{name}</option>" in html
    assert '<label for="language-select">Langue</label>' in html
    assert 'value="fr" lang="fr" selected' in html


def test_arabic_pages_are_right_to_left(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "تسجيل الدخول" in html


def test_the_switcher_sets_the_language_and_returns_to_the_page(client):
    response = client.post(reverse("set_language"), {"language": "pt", "next": reverse("password_reset")})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pt"
    assert _lang(client.get(reverse("password_reset"), HTTP_ACCEPT_LANGUAGE="en")) == "pt"


@pytest.mark.parametrize(
    "data",
    [
        {"language": "xx", "next": "/login/"},
        {"language": "pt", "next": "https://evil.example/phish"},
        {"language": "pt" * 200, "next": "//evil.example/"},
    ],
)
def test_the_switcher_refuses_unknown_languages_and_other_sites(client, data):
    response = client.post(reverse("set_language"), data)
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    if data["language"] != "pt":
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switcher_takes_only_a_post(client):
    assert client.get(reverse("set_language"), {"language": "es"}).status_code == 405


def test_a_signed_in_choice_is_saved_on_the_account_and_wins_on_another_device(client):
    applicant = make_new_applicant()
    logged_in(client, applicant)
    client.post(reverse("set_language"), {"language": "ru", "next": reverse("dashboard")})
    applicant.user.refresh_from_db()
    assert applicant.user.language == "ru"
    other_device = logged_in(type(client)(), applicant)
    assert _lang(other_device.get(reverse("account"), HTTP_ACCEPT_LANGUAGE="en-US")) == "ru"


def test_signing_up_saves_the_language_of_the_page_and_mails_in_it(client):
    response = client.post(
        reverse("signup"),
        {"email": "lucia@example.com", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 200
    user = User.objects.get(email="lucia@example.com")
    assert user.language == "es"
    [message] = mail.outbox
    assert message.subject == "Confirme su dirección de correo electrónico"
    assert "Gracias por crear una cuenta en el Portal de Certificación de ECFMG." in message.body

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from applicants.models import User
from applicants.tests.portal_helpers import PASSWORD, make_applicant, make_new_applicant

pytestmark = pytest.mark.django_db


def test_password_reset_mails_a_link_that_sets_a_new_password(client: Client) -> None:
    applicant = make_applicant()
    response = client.post(reverse("password_reset"), {"email": applicant.user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", str(mail.outbox[0].body))
    assert path
    page = client.get(path.group(1), follow=True)
    form_url = page.redirect_chain[-1][0]
    new = "violet-canyon-ledger-77"
    done = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    applicant.user.refresh_from_db()
    assert applicant.user.check_password(new)


def test_password_reset_does_not_tell_whether_an_account_exists(client: Client) -> None:
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_changing_the_email_waits_for_the_new_address_to_be_confirmed(client: Client) -> None:
    applicant = make_applicant(user__email="old@example.com")
    client.force_login(applicant.user)
    response = client.post(reverse("account"), {"email": "New@Example.com", "password": PASSWORD})
    assert response.status_code == 302
    applicant.user.refresh_from_db()
    assert applicant.user.email == "old@example.com"
    assert sorted(m.to[0] for m in mail.outbox) == ["new@example.com", "old@example.com"]
    link = next(m for m in mail.outbox if m.to == ["new@example.com"])
    path = re.search(r"https?://[^/\s]+(/account/confirm/\S+/)", str(link.body))
    assert path
    client.get(path.group(1))
    applicant.user.refresh_from_db()
    assert applicant.user.email == "new@example.com"
    assert applicant.user.email_confirmed_at is not None


def test_changing_the_email_needs_the_current_password(client: Client) -> None:
    applicant = make_applicant()
    client.force_login(applicant.user)
    response = client.post(reverse("account"), {"email": "new@example.com", "password": "not-my-password"})
    assert response.status_code == 200
    assert "not your current password" in response.content.decode()
    assert mail.outbox == []


def test_an_address_used_by_another_account_is_refused(client: Client) -> None:
    make_new_applicant(email="other@example.com")
    applicant = make_applicant()
    client.force_login(applicant.user)
    response = client.post(reverse("account"), {"email": "other@example.com", "password": PASSWORD})
    assert "Another account uses this e-mail address" in response.content.decode()
    assert User.objects.filter(email="other@example.com").count() == 1


def test_account_page_runs_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:
    applicant = make_applicant()
    client.force_login(applicant.user)
    # session, user, applicant (ID in the header)
    with django_assert_num_queries(3):
        assert client.get(reverse("account")).status_code == 200

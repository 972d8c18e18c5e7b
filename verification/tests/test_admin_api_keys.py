"""Staff create keys in the admin (the secret is shown once) and revoke them."""

from __future__ import annotations

import pytest

from verification.models import ApiKey
from verification.services.keys import api_key_authenticate, api_key_hash

from .factories import OrganizationFactory, issue_key

pytestmark = pytest.mark.django_db


def test_adding_a_key_shows_the_secret_once_and_stores_its_hash(staff_client):
    organization = OrganizationFactory()
    response = staff_client.post(
        "/admin/verification/apikey/add/",
        {"organization": organization.pk, "name": "Licensing system"},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    api_key = ApiKey.objects.get()
    secret = next(word for m in shown for word in m.split() if word.startswith(api_key.prefix))
    assert api_key.key_hash == api_key_hash(secret)
    assert api_key_authenticate(raw_key=secret) == api_key
    page = staff_client.get(f"/admin/verification/apikey/{api_key.pk}/change/").content.decode()
    assert secret not in page


def test_the_revoke_action_revokes(staff_client):
    api_key, secret = issue_key()
    response = staff_client.post(
        "/admin/verification/apikey/",
        {"action": "revoke_selected", "_selected_action": [api_key.pk]},
    )
    assert response.status_code == 302
    assert api_key_authenticate(raw_key=secret) is None


@pytest.mark.parametrize(
    "url",
    [
        "/admin/verification/organization/",
        "/admin/verification/apikey/",
        "/admin/verification/verificationrequest/",
        "/admin/verification/verificationreport/",
        "/admin/verification/examresultimport/",
        "/admin/verification/examresultimport/import/",
        "/admin/verification/apikey/add/",
    ],
)
def test_staff_pages_open(staff_client, url):
    assert staff_client.get(url).status_code == 200

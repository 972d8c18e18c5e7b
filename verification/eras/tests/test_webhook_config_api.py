"""GET/PUT/DELETE /api/v1/eras/webhook/: a program sets where its reports are pushed."""

from __future__ import annotations

import pytest

from verification.models import Organization

from .conftest import key_of
from .factories import ProgramFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/eras/webhook/"


def test_put_sets_the_url_and_returns_a_secret_kept_until_rotated(api, program):
    headers = key_of(program)
    first = api.put(URL, {"url": "https://gme.example.org/hook"}, format="json", **headers)
    assert first.status_code == 200
    secret = first.json()["secret"]
    assert len(secret) >= 40
    program.refresh_from_db()
    assert (program.webhook_url, program.webhook_secret) == ("https://gme.example.org/hook", secret)

    again = api.put(URL, {"url": "https://gme.example.org/v2"}, format="json", **headers)
    assert again.json() == {"url": "https://gme.example.org/v2", "secret": secret}
    rotated = api.put(
        URL, {"url": "https://gme.example.org/v2", "rotate_secret": True}, format="json", **headers
    )
    assert rotated.json()["secret"] != secret

    state = api.get(URL, **headers)
    assert state.json() == {"url": "https://gme.example.org/v2", "has_secret": True}


def test_delete_stops_the_pushes(api, program):
    headers = key_of(program)
    api.put(URL, {"url": "https://gme.example.org/hook"}, format="json", **headers)
    assert api.delete(URL, **headers).status_code == 204
    program.refresh_from_db()
    assert program.webhook_url == ""


@pytest.mark.parametrize("url", ["ftp://gme.example.org/hook", "not a url", "http://10.0.0.7/hook"])
def test_a_bad_or_private_url_answers_400(api, program, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    response = api.put(URL, {"url": url}, format="json", **key_of(program))
    assert response.status_code == 400
    assert "url" in response.json()["errors"]


def test_no_key_answers_401_and_a_non_program_key_403(api, feed):
    assert api.put(URL, {"url": "https://gme.example.org/hook"}, format="json").status_code == 401
    board = ProgramFactory.create(kind=Organization.Kind.LICENSING_AUTHORITY, acgme_program_id=None)
    for headers in (key_of(board), key_of(feed)):
        assert api.get(URL, **headers).status_code == 403
        assert api.put(URL, {"url": "https://x.example.org/"}, format="json", **headers).status_code == 403


def test_query_counts(api, program, django_assert_num_queries):
    headers = key_of(program)
    api.get(URL, **headers)  # warms the key's last use
    with django_assert_num_queries(0):  # the key is this process's copy
        api.get(URL, **headers)

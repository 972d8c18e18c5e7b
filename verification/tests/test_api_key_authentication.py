"""Keys: hashed, revocable, 401 vs 403, last-used time written at most once a minute."""

from __future__ import annotations

import datetime
import hashlib

import pytest
import time_machine
from django.utils import timezone

from verification.models import ApiKey
from verification.services import keys
from verification.services.keys import api_key_authenticate, api_key_revoke

from .conftest import auth

pytestmark = pytest.mark.django_db
URL = "/api/v1/verifications/"
BODY = {"usmle_id": "10000008", "last_name": "Nobody", "date_of_birth": "1990-01-01"}


def test_it_stores_only_the_hash_of_the_key(board_key):
    stored = ApiKey.objects.get()
    assert stored.key_hash == hashlib.sha256(board_key.encode()).hexdigest()
    assert board_key not in (stored.prefix + stored.key_hash)[len(stored.prefix) :]
    assert stored.prefix == board_key[:8]
    assert len(board_key) >= 43  # token_urlsafe(32)


@pytest.mark.parametrize(
    "header",
    [None, "Token", "Token not-a-real-key", "Bearer abc", "Token a b"],
)
def test_it_answers_401_with_www_authenticate_without_a_valid_key(api, board_key, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = api.post(URL, BODY, format="json", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"code", "detail"}


def test_a_revoked_key_is_refused_from_the_next_request_on(api, board_key):
    assert api.post(URL, BODY, format="json", **auth(board_key)).status_code == 404
    assert api_key_revoke(api_key=ApiKey.objects.get()) is True
    assert api_key_revoke(api_key=ApiKey.objects.get()) is False  # idempotent
    response = api.post(URL, BODY, format="json", **auth(board_key))
    assert response.status_code == 401


def test_a_deactivated_organization_keys_are_refused(api, board, board_key):
    assert api.post(URL, BODY, format="json", **auth(board_key)).status_code == 404  # key now cached
    board.is_active = False
    board.save()
    assert api.post(URL, BODY, format="json", **auth(board_key)).status_code == 401


def test_results_feed_key_cannot_request_verifications(api, feed_key):
    response = api.post(URL, BODY, format="json", **auth(feed_key))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_organization_key_cannot_post_exam_results(api, hospital_key):
    body = {"usmle_id": "10000008", "exam": "STEP1", "test_date": "2025-01-01", "outcome": "pass"}
    response = api.post("/api/v1/exam-results/", body, format="json", **auth(hospital_key))
    assert response.status_code == 403


def test_last_used_at_is_written_at_most_once_a_minute(board_key, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(keys, "KEY_CACHE_SECONDS", 3600)  # this test is about the write, not the copy
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with django_assert_num_queries(2):  # select + first update
            assert api_key_authenticate(raw_key=board_key) is not None
        with django_assert_num_queries(0):  # this process's copy, used fresh enough: no write
            api_key_authenticate(raw_key=board_key)
    with (
        time_machine.travel(start + datetime.timedelta(seconds=61), tick=False),
        django_assert_num_queries(1),  # the update only
    ):
        api_key_authenticate(raw_key=board_key)
    assert ApiKey.objects.get().last_used_at == start + datetime.timedelta(seconds=61)


def test_a_process_reads_its_cached_key_again_after_a_minute(
    board_key, django_assert_num_queries, monkeypatch
):
    now = [1000.0]
    monkeypatch.setattr(keys.time, "monotonic", lambda: now[0])
    api_key_authenticate(raw_key=board_key)
    with django_assert_num_queries(0):
        api_key_authenticate(raw_key=board_key)
    now[0] += keys.KEY_CACHE_SECONDS
    with django_assert_num_queries(1):  # read again; last_used_at is still fresh
        assert api_key_authenticate(raw_key=board_key) is not None


def test_a_key_revoked_by_another_process_is_refused_at_the_next_request(api, board_key):
    """The other process's change reaches this one through the shared generation number."""
    assert api.post(URL, BODY, format="json", **auth(board_key)).status_code == 404  # cached here
    ApiKey.objects.update(revoked_at=timezone.now())  # what the other process wrote
    assert api.post(URL, BODY, format="json", **auth(board_key)).status_code == 404  # still cached
    keys._bump_generation()  # what it announced after its commit
    assert api.post(URL, BODY, format="json", **auth(board_key)).status_code == 401

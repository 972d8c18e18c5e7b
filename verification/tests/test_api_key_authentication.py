"""Keys: hashed, revocable, 401 vs 403, last-used time written at most once a minute."""

from __future__ import annotations

import datetime
import hashlib

import pytest
import time_machine
from django.utils import timezone

from verification.models import ApiKey
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


def test_last_used_at_is_written_at_most_once_a_minute(board_key, django_assert_num_queries):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with django_assert_num_queries(2):  # select + first update
            assert api_key_authenticate(raw_key=board_key) is not None
        with django_assert_num_queries(1):  # fresh enough: no write
            api_key_authenticate(raw_key=board_key)
    with (
        time_machine.travel(start + datetime.timedelta(seconds=61), tick=False),
        django_assert_num_queries(2),
    ):
        api_key_authenticate(raw_key=board_key)
    assert ApiKey.objects.get().last_used_at == start + datetime.timedelta(seconds=61)

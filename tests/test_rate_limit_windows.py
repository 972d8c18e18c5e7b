"""Fixed-window counters (ecfmg_portal/ratelimit.py): in the local cache and in Redis."""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from ecfmg_portal.ratelimit import window_hit
from tests.support.celery_worker import skip_or_fail

REDIS_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")


def test_hits_count_up_within_a_window_and_start_again_in_the_next():
    key = f"test:{uuid.uuid4()}"
    assert [window_hit(key, window_seconds=60, now=120.0 + i).hits for i in range(3)] == [1, 2, 3]
    assert window_hit(key, window_seconds=60, now=180.0).hits == 1


def test_the_count_says_how_long_until_the_window_ends():
    assert window_hit(f"test:{uuid.uuid4()}", window_seconds=60, now=125.5).seconds_left == 54.5


@pytest.fixture
def redis_cache():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        skip_or_fail(f"Redis is not reachable at {REDIS_URL}")
    backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    with override_settings(CACHES={"default": {**backend, "KEY_PREFIX": f"test-{uuid.uuid4()}"}}):
        yield caches["default"]


def test_in_redis_one_round_trip_counts_and_sets_the_expiry(redis_cache):
    key = f"test:{uuid.uuid4()}"
    assert window_hit(key, window_seconds=60, now=120.0).hits == 1
    assert window_hit(key, window_seconds=60, now=121.0).hits == 2
    name = redis_cache.make_and_validate_key(f"ratelimit:{key}:2")
    client = redis_cache._cache.get_client(name)
    assert 0 < client.ttl(name) <= 61
    assert redis_cache.get(f"ratelimit:{key}:2") == 2  # Django reads the raw counter back


def test_in_redis_concurrent_hits_are_all_counted(redis_cache):
    key = f"test:{uuid.uuid4()}"
    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(lambda _: window_hit(key, window_seconds=60, now=60.0).hits, range(200)))
    assert sorted(counts) == list(range(1, 201))

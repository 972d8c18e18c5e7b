"""Counters shared by every process (ecfmg_portal/counters.py), in the local cache and in Redis."""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.test import override_settings

from ecfmg_portal import counters
from ecfmg_portal.counters import generation, generation_bump, window_hit
from tests.support.celery_worker import skip_or_fail

REDIS_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def in_redis():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        skip_or_fail(f"Redis is not reachable at {REDIS_URL}")
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    ):
        yield counters._redis()


@pytest.fixture(params=["local", "redis"])
def backend(request):
    if request.param == "local":
        yield None
        return
    yield request.getfixturevalue("in_redis")


def test_hits_count_up_within_a_window_and_start_again_in_the_next(backend):
    key = f"test:{uuid.uuid4()}"
    assert [window_hit(key, window_seconds=60, now=120.0 + i).hits for i in range(3)] == [1, 2, 3]
    assert window_hit(key, window_seconds=60, now=180.0).hits == 1


def test_the_count_says_how_long_until_the_window_ends(backend):
    assert window_hit(f"test:{uuid.uuid4()}", window_seconds=60, now=125.5).seconds_left == 54.5


def test_a_generation_starts_at_zero_and_changes_when_bumped(backend):
    name = f"test-{uuid.uuid4()}"
    assert generation(name) == 0
    generation_bump(name)
    assert generation(name) != 0


def test_a_hit_reads_generations_in_the_same_round_trip(backend):
    name = f"test-{uuid.uuid4()}"
    generation_bump(name)
    count = window_hit(f"test:{uuid.uuid4()}", window_seconds=60, read=(name, "test-never-bumped"))
    assert count.values == {name: generation(name), "test-never-bumped": 0}


def test_in_redis_a_window_counter_expires_after_its_window(in_redis):
    key = f"test:{uuid.uuid4()}"
    window_hit(key, window_seconds=60, now=120.0)
    assert 0 < in_redis.ttl(f"{counters.PREFIX}window:{key}:2") <= 61


def test_concurrent_hits_are_all_counted(backend):
    key = f"test:{uuid.uuid4()}"
    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(lambda _: window_hit(key, window_seconds=60, now=60.0).hits, range(200)))
    assert sorted(counts) == list(range(1, 201))

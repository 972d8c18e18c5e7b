"""Counters every process shares: rate-limit windows and change generations.

In production they live in Redis (``CACHE_URL``), reached through one client per
process; without Redis (``make run``, the tests) in the default cache of this process.

**Windows.** DRF's own throttle keeps a pickled list of timestamps per client and reads
and rewrites it on every request: two round trips and a list that grows with the rate.
A counter per fixed window is one pipelined ``INCR`` + ``EXPIRE``, atomic across
processes. The price is the usual one of fixed windows: a client may spend one window's
allowance at its end and the next one's at the start of the next, so a burst of up to
twice the rate can straddle a boundary. For limits that protect capacity and make
guessing slow, that is the accepted trade.

**Generations.** A number bumped whenever something that processes keep a copy of
changes (the API keys, say): a process compares it with the one its copy was made
under. It can travel in the same round trip as a window hit (``read=``), so the API's
hot path talks to Redis once per request.

Ground floor: Django and redis-py only, no app.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cache

import redis
from django.conf import settings
from django.core.cache import caches

REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"
PREFIX = "ecfmg:counters:"


@dataclass(frozen=True)
class WindowCount:
    hits: int  # this hit included
    seconds_left: float  # until the window ends and the count starts again
    values: dict[str, int] = field(default_factory=dict)  # the generations asked for with ``read``


@cache
def _client(location: str) -> redis.Redis:
    # One client (and connection pool) per process and URL: Django's cache builds a
    # new client object for every operation, which costs more than the round trip.
    return redis.Redis.from_url(location)


def _redis() -> redis.Redis | None:
    config = settings.CACHES["default"]
    if config.get("BACKEND") != REDIS_BACKEND:
        return None
    location = config["LOCATION"]
    return _client(location if isinstance(location, str) else location[0])


def window_hit(
    key: str, *, window_seconds: int, now: float | None = None, read: tuple[str, ...] = ()
) -> WindowCount:
    """Count one hit for ``key`` in the current window of ``window_seconds``; also read
    the generations named in ``read`` (0 for one never bumped)."""
    now = time.time() if now is None else now
    window = int(now // window_seconds)
    bucket = f"{PREFIX}window:{key}:{window}"
    seconds_left = (window + 1) * window_seconds - now
    # The counter outlives its window by a second, so a clock step never revives it.
    ttl = window_seconds + 1
    client = _redis()
    if client is not None:
        pipeline = client.pipeline(transaction=False)
        pipeline.incr(bucket)
        pipeline.expire(bucket, ttl)
        for name in read:
            pipeline.get(PREFIX + name)
        hits, _, *values = pipeline.execute()
        return WindowCount(
            int(hits), seconds_left, {n: int(v or 0) for n, v in zip(read, values, strict=True)}
        )
    local = caches["default"]
    local.add(bucket, 0, ttl)  # atomic "create if missing" in every backend
    try:
        hits = local.incr(bucket)
    except ValueError:  # evicted between add and incr: this is the window's first hit
        local.set(bucket, 1, ttl)
        hits = 1
    return WindowCount(int(hits), seconds_left, {name: generation(name) for name in read})


def generation(name: str) -> int:
    client = _redis()
    if client is not None:
        return int(client.get(PREFIX + name) or 0)
    return int(caches["default"].get(PREFIX + name, 0))


def generation_bump(name: str) -> None:
    """Change the generation; any new value invalidates the copies made under the old."""
    client = _redis()
    if client is not None:
        client.incr(PREFIX + name)
        return
    local = caches["default"]
    local.add(PREFIX + name, 0, None)
    try:
        local.incr(PREFIX + name)
    except ValueError:  # evicted between add and incr
        local.set(PREFIX + name, 1, None)

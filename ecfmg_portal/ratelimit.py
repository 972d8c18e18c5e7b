"""Fixed-window hit counters in the shared cache, for rate limits on hot paths.

DRF's own throttle keeps a pickled list of timestamps per client and reads and
writes it on every request: two round trips to Redis and a list that grows with the
rate. A counter per window is one pipelined ``INCR`` + ``EXPIRE`` (one round trip,
atomic across processes). The price is the usual one of fixed windows: a client
may spend one window's allowance at its end and the next one's at the start of the
next, so a burst of up to twice the rate can straddle a boundary. For limits that
protect capacity and make guessing slow, that is the accepted trade.

Ground floor: Django's cache only, no app.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache


@dataclass(frozen=True)
class WindowCount:
    hits: int  # this hit included
    seconds_left: float  # until the window ends and the count starts again


def window_hit(key: str, *, window_seconds: int, now: float | None = None) -> WindowCount:
    """Count one hit for ``key`` in the current window of ``window_seconds``."""
    now = time.time() if now is None else now
    window = int(now // window_seconds)
    bucket = f"ratelimit:{key}:{window}"
    seconds_left = (window + 1) * window_seconds - now
    # The counter outlives its window by a second, so a clock step never revives it.
    ttl = window_seconds + 1
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        name = cache.make_and_validate_key(bucket)
        # Django stores integers unpickled, so INCR works on the raw key (one round trip).
        pipeline = cache._cache.get_client(name, write=True).pipeline()
        pipeline.incr(name)
        pipeline.expire(name, ttl)
        hits, _ = pipeline.execute()
        return WindowCount(int(hits), seconds_left)
    cache.add(bucket, 0, ttl)  # atomic "create if missing" in every backend
    try:
        hits = cache.incr(bucket)
    except ValueError:  # evicted between add and incr: this is the window's first hit
        cache.set(bucket, 1, ttl)
        hits = 1
    return WindowCount(int(hits), seconds_left)

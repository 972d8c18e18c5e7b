"""Real Celery workers for the benchmarks: Redis broker, the benchmark's database."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from django.conf import settings

from .common import BASE_DIR, BIN

QUEUES = "default,email,pdf,webhooks"


def broker_url() -> str:
    return str(settings.CELERY_BROKER_URL or "")


def broker_available() -> bool:
    url = broker_url()
    if not url.startswith("redis://"):
        return False
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def redis_flush() -> None:
    """Empty the broker's Redis database (it must be dedicated to the benchmarks)."""
    redis.Redis.from_url(broker_url()).flushdb()


@contextmanager
def celery_workers(
    concurrency: int, *, pool: str = "prefork", flush: bool = True, extra_env: dict[str, str] | None = None
) -> Iterator[None]:
    """``celery worker --pool <pool> -c <concurrency>`` on every queue. With ``flush`` the
    broker's database is emptied first, so only tasks queued from now on are consumed."""
    if flush:
        redis_flush()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.bench.settings", **(extra_env or {})}
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "worker.log"
        with log.open("w") as handle:
            process = subprocess.Popen(
                [
                    str(BIN / "celery"),
                    "-A",
                    "ecfmg_portal",
                    "worker",
                    "--queues",
                    QUEUES,
                    "--concurrency",
                    str(concurrency),
                    "--pool",
                    pool,
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel",
                    "INFO",
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + 90
            while "ready." not in log.read_text(errors="replace"):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "Celery worker did not start:\n" + log.read_text(errors="replace")[-2000:]
                    )
                time.sleep(0.3)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

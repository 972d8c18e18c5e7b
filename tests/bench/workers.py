"""Real Celery workers for the benchmarks: Redis broker, the benchmark's database."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis
from celery import Celery, shared_task
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
    concurrency: int,
    *,
    pool: str = "prefork",
    flush: bool = True,
    extra_env: dict[str, str] | None = None,
    app: str = "ecfmg_portal",
    include: str = "",
    loglevel: str = "INFO",
) -> Iterator[subprocess.Popen[bytes]]:
    """``celery worker --pool <pool> -c <concurrency>`` on every queue (yields the worker's
    main process). With ``flush`` the
    broker's database is emptied first, so only tasks queued from now on are consumed.
    ``app`` is the portal's unless a floor is measured; ``include`` imports more task modules."""
    if flush:
        redis_flush()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.bench.settings", **(extra_env or {})}
    if app != "ecfmg_portal":
        env.pop("DJANGO_SETTINGS_MODULE")  # a floor app: no Django fixup
        # ... and no Django settings either: it reads the broker from here (else amqp://).
        env["BENCH_CELERY_BROKER_URL"] = broker_url()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "worker.log"
        with log.open("w") as handle:
            process = subprocess.Popen(
                [
                    str(BIN / "celery"),
                    "-A",
                    app,
                    "worker",
                    *(["--include", include] if include else []),
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
                    loglevel,
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
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- What a task costs besides its work: a no-op, the portal's app against a bare one ---

NOOP_TASKS = int(os.environ.get("BENCH_NOOP_TASKS", "4000"))
NOOP_ROUNDS = int(os.environ.get("BENCH_NOOP_ROUNDS", "3"))
NOOP_WORKERS = 2
NOOP_QUEUE = "default"


@shared_task(name="tests.bench.workers.noop", ignore_result=True)
def noop() -> None:
    """Nothing: run by the portal's worker with the portal's settings and Django fixup."""


# The floor: a bare Celery app (no Django, Celery's defaults: acks on receipt, prefetch 4)
# with an empty task, the same broker, pool and process count.
floor_app = Celery(
    "bench_floor", broker=os.environ.get("BENCH_CELERY_BROKER_URL", ""), fixups=[], set_as_current=False
)
floor_app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    task_default_queue=NOOP_QUEUE,
    worker_hijack_root_logger=False,
)


@floor_app.task(name="tests.bench.workers.floor_noop", ignore_result=True)
def floor_noop() -> None:
    """Nothing, on the bare app."""


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children still running: the worker
    and its pool (a figure the other engineers' load on the machine barely moves)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid] + [
        int(entry) for entry in os.listdir("/proc") if entry.isdigit() and _parent(int(entry)) == pid
    ]
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


@dataclass(frozen=True)
class Drain:
    rate: float  # tasks per second, wall clock
    cpu_ms: float  # worker CPU (main process and pool) per task


def _drain_rate(*, floor: bool, extra_env: dict[str, str] | None = None, loglevel: str = "INFO") -> Drain:
    """Tasks per second: NOOP_TASKS no-ops queued first, then two worker processes started;
    timed from the worker's "ready" to an empty queue with nothing unacknowledged."""
    redis_flush()
    client = redis.Redis.from_url(broker_url())
    from ecfmg_portal.celery import app as portal_app

    floor_app.conf.broker_url = broker_url()
    app, name = (floor_app, floor_noop.name) if floor else (portal_app, "tests.bench.workers.noop")
    with app.producer_or_acquire() as producer:
        for _ in range(NOOP_TASKS):
            app.send_task(name, queue=NOOP_QUEUE, producer=producer)

    def left() -> int:
        pipe = client.pipeline()
        pipe.llen(NOOP_QUEUE)
        pipe.hlen("unacked")
        waiting, unacked = pipe.execute()
        return int(waiting) + int(unacked)

    worker_app = "tests.bench.workers:floor_app" if floor else "ecfmg_portal"
    with celery_workers(
        NOOP_WORKERS,
        flush=False,
        app=worker_app,
        include="" if floor else "tests.bench.workers",
        extra_env=extra_env,
        loglevel=loglevel,
    ) as process:
        cpu = cpu_seconds(process.pid)
        started = time.perf_counter()
        remaining = left()
        deadline = started + 300
        while left() and time.perf_counter() < deadline:
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        cpu = cpu_seconds(process.pid) - cpu
    return Drain(remaining / seconds if seconds > 0 else 0.0, cpu * 1000 / max(remaining, 1))


def noop_task_rates(rounds: int = NOOP_ROUNDS) -> tuple[list[Drain], list[Drain]]:
    """(floor, portal) drains, interleaved rounds."""
    floors: list[Drain] = []
    portal: list[Drain] = []
    for _ in range(rounds):
        floors.append(_drain_rate(floor=True))
        portal.append(_drain_rate(floor=False))
    return floors, portal


@shared_task(name="tests.bench.workers.database_backend", ignore_result=True)
def database_backend() -> None:
    """One SELECT; notes which PostgreSQL backend (connection) answered it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone() or (0,)
    redis.Redis.from_url(broker_url()).rpush("bench:backends", pid)


def database_connections_for(tasks: int = 200) -> int:
    """Distinct DB connections two worker processes used for ``tasks`` one-query tasks
    (2 when connections are kept between tasks, ``tasks`` when each opens its own)."""
    from ecfmg_portal.celery import app as portal_app

    redis_flush()
    client = redis.Redis.from_url(broker_url())
    with portal_app.producer_or_acquire() as producer:
        for _ in range(tasks):
            portal_app.send_task("tests.bench.workers.database_backend", queue=NOOP_QUEUE, producer=producer)
    with celery_workers(NOOP_WORKERS, flush=False, include="tests.bench.workers"):
        deadline = time.monotonic() + 120
        while client.llen("bench:backends") < tasks and time.monotonic() < deadline:
            time.sleep(0.1)
    return len(set(client.lrange("bench:backends", 0, -1)))

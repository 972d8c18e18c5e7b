"""A real Celery worker for integration tests: real Redis broker, real PostgreSQL.

Use it from a test marked ``@pytest.mark.django_db(transaction=True)``::

    from tests.support.celery_worker import celery_worker  # noqa: F401  (the fixture)

    @pytest.mark.services
    @pytest.mark.django_db(transaction=True)
    def test_it_sends(celery_worker):
        my_task.delay_on_commit(obj.pk)          # the worker picks it up
        celery_worker.wait_for(lambda: len(celery_worker.sent_messages()) == 1)

What the fixture does:

- skips (or fails when ``REQUIRE_SERVICES=1``) unless the database is PostgreSQL and
  ``CELERY_BROKER_URL`` names a Redis broker;
- empties the broker's Redis database (it must be dedicated to tests), so no message
  from an earlier test, acknowledged or not, reaches this one;
- turns eager mode off in the test process and points the producer at the broker;
- starts ``celery -A ecfmg_portal worker`` (solo pool, every queue) in a subprocess
  whose ``DATABASE_URL`` is pytest-django's test database, whose e-mail backend writes
  files to a temporary folder (``sent_messages()`` reads them back) and whose
  ``MEDIA_ROOT`` is this test's media folder;
- ``kill()`` sends SIGKILL (a crash: no acknowledgement, no clean-up) and ``start()``
  starts a fresh worker with the same environment. The worker is stopped at teardown.

Extra environment for the worker: override the ``celery_worker_env`` fixture in the
test module (``return {"NAME": "value"}``).

The fixture is registered for the whole suite by ``pytest_plugins`` in the root
``conftest.py``: ask for ``celery_worker`` in a test's arguments, no import needed.
"""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import quote

import kombu.pools
import pytest
import redis
from django.db import connection

from ecfmg_portal.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CELERY_BIN = BASE_DIR / ".venv" / "bin" / "celery"
QUEUES = "default,email,pdf,webhooks"
READY_TIMEOUT = 60.0
# The file-based e-mail backend separates messages with a line of 79 dashes.
_MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip on a laptop without the service; fail in CI (REQUIRE_SERVICES=1)."""
    if services_required():
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def database_url_for_test_database() -> str:
    """The URL of the database the test process uses right now (pytest-django's test DB)."""
    s = connection.settings_dict
    user = quote(s.get("USER") or "", safe="")
    password = quote(s.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(str(s['NAME']), safe='')}"


class CeleryWorker:
    """One worker subprocess at a time; ``kill()`` and ``start()`` simulate a crash."""

    def __init__(self, *, env: dict[str, str], mail_dir: Path, log_dir: Path) -> None:
        self.env = env
        self.mail_dir = mail_dir
        self.log_dir = log_dir
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"worker-{self.starts}.log"

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None, "the worker is already running"
        self.starts += 1
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                str(CELERY_BIN),
                "-A",
                "ecfmg_portal",
                "worker",
                "-Q",
                QUEUES,
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{os.getpid()}-{self.starts}@%h",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited at start:\n{self.log()}")
            if b" ready." in self.log_path.read_bytes():
                return
            time.sleep(0.1)
        raise RuntimeError(f"the Celery worker was not ready in {READY_TIMEOUT}s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: the worker dies without acknowledging the message it holds."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """A clean shutdown (SIGTERM = warm shutdown), SIGKILL if it takes too long."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        """Everything every start of the worker wrote (for assertion messages)."""
        parts = []
        for path in sorted(self.log_dir.glob("worker-*.log")):
            parts.append(f"== {path.name}\n{path.read_text(errors='replace')}")
        return "\n".join(parts)

    def sent_messages(self) -> list[Message]:
        """Every e-mail the worker sent, parsed, oldest file first."""
        messages: list[Message] = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime_ns):
            for chunk in path.read_bytes().split(_MAIL_SEPARATOR):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk))
        return messages

    def wait_for(self, condition: Callable[[], Any], *, timeout: float = 30.0, what: str = "") -> Any:
        """Poll ``condition`` until it is truthy; fail with the worker's log otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            time.sleep(0.2)
        pytest.fail(f"timed out after {timeout}s waiting for {what or condition}\n{self.log()}")


def _flush_broker(url: str) -> None:
    redis.Redis.from_url(url).flushdb()


def _point_producer_at(url: str, *, eager: bool) -> None:
    celery_app.conf.update(task_always_eager=eager, broker_url=url, broker_write_url=url)
    # Close and forget every pooled broker connection (kombu caches pools per URL, so a
    # closed pool left in its registry would be handed out again).
    kombu.pools.reset()
    celery_app.__dict__["_pool"] = None
    celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]


@pytest.fixture
def celery_worker_env() -> dict[str, str]:
    """Extra environment for the worker process; override it in a test module."""
    return {}


@pytest.fixture
def celery_worker(
    request: pytest.FixtureRequest, settings: Any, tmp_path: Path, celery_worker_env: dict[str, str]
) -> Iterator[CeleryWorker]:
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if connection.vendor != "postgresql":
        skip_or_fail("the real-worker tests need PostgreSQL (set DATABASE_URL)")
    if not broker_url.startswith(("redis://", "rediss://")):
        skip_or_fail("the real-worker tests need a Redis broker (set CELERY_BROKER_URL)")
    db_marker = request.node.get_closest_marker("django_db")
    transactional = db_marker is not None and db_marker.kwargs.get("transaction", False)
    if not transactional and "transactional_db" not in request.fixturenames:
        pytest.fail("use @pytest.mark.django_db(transaction=True): the worker must see committed rows")
    try:
        _flush_broker(broker_url)
    except Exception as exc:  # redis raises several connection error types
        skip_or_fail(f"the Redis broker at CELERY_BROKER_URL is unreachable ({exc.__class__.__name__})")

    mail_dir = tmp_path / "worker-mail"
    log_dir = tmp_path / "worker-logs"
    mail_dir.mkdir()
    log_dir.mkdir()
    media_root = settings.STORAGES["default"]["OPTIONS"]["location"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ecfmg_portal.settings.dev",
        "DATABASE_URL": database_url_for_test_database(),
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_URL": f"filemail://{mail_dir}",
        "MEDIA_ROOT": str(media_root),
        "DEBUG": "false",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        "PATH": f"{BASE_DIR / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(celery_worker_env)

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = broker_url
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(mail_dir)
    previous = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    _point_producer_at(broker_url, eager=False)

    worker = CeleryWorker(env=env, mail_dir=mail_dir, log_dir=log_dir)
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        _point_producer_at(previous[1], eager=previous[0])
        try:
            _flush_broker(broker_url)
        except Exception as exc:  # never hide the test's own failure behind a teardown error
            print(f"could not empty the broker after the test: {exc!r}", file=sys.stderr)

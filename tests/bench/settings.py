"""Settings for ``make bench`` only: the portal's own settings plus a floor view.

The database is always the benchmark's own PostgreSQL database (``BENCH_DATABASE_URL``,
default ``ecfmg_bench``), never the development, test or CI one, whatever
``DATABASE_URL`` the shell exports. Production-like: DEBUG off, persistent database
connections (as gunicorn workers use them, see docs/scaling.md), API rate limits
raised so that the load generator measures the server rather than the throttle.
"""

from __future__ import annotations

import os

BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ecfmg_bench"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", BENCH_DATABASE_URL)
# A one-second window: the throttle's history per key stays as short as in production
# (120/minute), while never refusing the load generator.
os.environ.setdefault("API_RATE_PER_KEY", "100000/second")
# Rate-limit counters shared by every gunicorn worker, as production must have them.
os.environ.setdefault("CACHE_URL", os.environ.get("BENCH_CELERY_BROKER_URL", "redis://127.0.0.1:6379/10"))
os.environ.setdefault("WEBHOOK_ALLOW_PRIVATE", "true")

from ecfmg_portal.settings.base import *  # noqa: E402, F403
from ecfmg_portal.settings.base import DATABASES, VAR_DIR  # noqa: E402

DEBUG = False
DATABASES["default"]["CONN_MAX_AGE"] = 600
# What-if for write-heavy paths: BENCH_SYNCHRONOUS_COMMIT=off stands in for storage with a
# fast WAL flush (commits then cost what they would on NVMe). Never for real data.
SYNCHRONOUS_COMMIT = os.environ.get("BENCH_SYNCHRONOUS_COMMIT", "on")
if SYNCHRONOUS_COMMIT == "off":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
ROOT_URLCONF = "tests.bench.floor_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "bench-media"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"handlers": [], "level": "WARNING"}}
# Real Celery workers (tests/bench/workers.py) on a Redis database of the benchmark's own.
CELERY_BROKER_URL = os.environ.get("BENCH_CELERY_BROKER_URL", "redis://127.0.0.1:6379/10")
CELERY_TASK_ALWAYS_EAGER = False

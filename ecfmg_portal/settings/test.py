"""The test suite: SQLite in memory unless DATABASE_URL says otherwise."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests that need a real broker and worker set these themselves.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
# The suite flushes tables with TRUNCATE; the audit trigger allows it on these connections only.
AUDIT_ALLOW_TEST_FLUSH = True
LOGGING = {"version": 1, "disable_existing_loggers": False}

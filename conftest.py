"""Shared pytest fixtures for the whole suite."""

from __future__ import annotations

import pytest

# The real-Celery-worker fixture (``celery_worker``), usable by every app's tests.
pytest_plugins = ["tests.support.celery_worker"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes files to its own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": None},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_api_key_cache():
    """Each process keeps the API keys it has seen; every test has a new database."""
    from verification.services.keys import api_keys_forget

    api_keys_forget()
    yield
    api_keys_forget()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the staff charts, the review pages and the
    rate limits kept there must not carry from one test's database into the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _language_reset():
    """A request through the test client leaves its language active in this thread
    (LocaleMiddleware activates it and nothing deactivates it); the next test must not
    read Arabic because the last one did."""
    from django.utils import translation

    yield
    translation.deactivate()

"""Celery workers keep their database connection between tasks (issue 14 §3)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from ecfmg_portal.celery import reuse_database_connections_in_workers


def test_worker_start_gives_every_database_the_worker_connection_age(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(settings.DATABASES["default"], "CONN_MAX_AGE", 0)
    monkeypatch.setattr(settings, "WORKER_CONN_MAX_AGE", 600, raising=False)

    reuse_database_connections_in_workers(sender="worker@test")

    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 600
    # The connection reads the same dict, so the fixup's close_if_unusable_or_obsolete() keeps it.
    assert connection.settings_dict["CONN_MAX_AGE"] == 600


def test_worker_start_handler_is_connected_to_celeryd_init() -> None:
    from celery.signals import celeryd_init

    receivers = [ref() for _, ref in celeryd_init.receivers]
    assert reuse_database_connections_in_workers in receivers

"""The Celery application: configured from Django settings (CELERY_ namespace)."""

from __future__ import annotations

import os
from typing import Any

from celery.signals import celeryd_init

from ecfmg_portal.outbox.celery_app import OutboxCelery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecfmg_portal.settings.dev")

# DjangoTask gives every task delay_on_commit(): queue only once the data it reads is committed.
# OutboxCelery keeps a task in the database when the broker is down and re-sends it later.
app = OutboxCelery("ecfmg_portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@celeryd_init.connect
def reuse_database_connections_in_workers(**_: Any) -> None:
    """Give worker processes persistent DB connections (before the pool forks its children).

    Celery's Django fixup calls close_if_unusable_or_obsolete() after each task; with the web's
    CONN_MAX_AGE of 0 that is a new connection per task. Workers run one task at a time per
    process, so a long-lived connection is safe; the fixup still drops one that errored or is unusable.
    """
    from django.conf import settings

    for database in settings.DATABASES.values():
        database["CONN_MAX_AGE"] = settings.WORKER_CONN_MAX_AGE

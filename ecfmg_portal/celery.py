"""The Celery application: configured from Django settings (CELERY_ namespace)."""

from __future__ import annotations

import os
from typing import Any

from celery.signals import celeryd_init, task_postrun, task_prerun

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

    With the web's CONN_MAX_AGE of 0, closing obsolete connections around each task (below) would
    be a new connection per task. Workers run one task at a time per process, so a long-lived
    connection is safe; one that errored or is unusable is still dropped.
    """
    from django.conf import settings

    for database in settings.DATABASES.values():
        database["CONN_MAX_AGE"] = settings.WORKER_CONN_MAX_AGE


@task_prerun.connect
@task_postrun.connect
def close_unusable_or_obsolete_connections(sender: Any = None, **_: Any) -> None:
    """Around each task, what Django does around each request: drop a connection that errored
    or outlived CONN_MAX_AGE, keep the others.

    Celery 5.7's fixup calls ``conn.close()`` before and after every task whatever CONN_MAX_AGE
    says, unless ``CELERY_DB_REUSE_MAX`` is set (settings: set beyond reach, so this is the one
    rule). Without both, every task that touches the database paid a new connection (~2.7 ms).
    """
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return  # in-process (tests, no broker): the caller's connection and transaction are its own
    from django.db import close_old_connections

    close_old_connections()

"""The Celery application: configured from Django settings (CELERY_ namespace)."""

from __future__ import annotations

import os

from ecfmg_portal.outbox.celery_app import OutboxCelery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecfmg_portal.settings.dev")

# DjangoTask gives every task delay_on_commit(): queue only once the data it reads is committed.
# OutboxCelery keeps a task in the database when the broker is down and re-sends it later.
app = OutboxCelery("ecfmg_portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""The Celery application: configured from Django settings (CELERY_ namespace)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecfmg_portal.settings.dev")

# DjangoTask gives every task delay_on_commit(): queue only once the data it reads is committed.
app = Celery("ecfmg_portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_staff_groups(sender: AppConfig, **kwargs: Any) -> None:
    from applicants.services.staff import staff_groups_sync

    staff_groups_sync()


class ApplicantsConfig(AppConfig):
    name = "applicants"

    def ready(self) -> None:
        # After the last app migrates, so every app's permissions exist.
        post_migrate.connect(_sync_staff_groups, dispatch_uid="applicants.staff_groups")
        from applicants.services.staff import connect_privilege_guards

        connect_privilege_guards()

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created


def _allow_test_flush(sender: Any, connection: Any, **kwargs: Any) -> None:
    # Only the test settings turn this on: the suite empties tables with TRUNCATE between
    # transactional tests, which the audit table's trigger otherwise refuses.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET ecfmg.allow_audit_truncate = 'on'")


class AuditConfig(AppConfig):
    name = "ecfmg_portal.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        if getattr(settings, "AUDIT_ALLOW_TEST_FLUSH", False):
            connection_created.connect(_allow_test_flush, dispatch_uid="audit.allow_test_flush")

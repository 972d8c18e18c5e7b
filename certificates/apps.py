from __future__ import annotations

from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "Certificates"

    def ready(self) -> None:
        from ecfmg_portal.events import subscribe_status_changed

        from .tasks import on_applicant_status_changed

        # A fact that can complete the requirements changed: re-evaluate (R-CE-1).
        subscribe_status_changed(on_applicant_status_changed)

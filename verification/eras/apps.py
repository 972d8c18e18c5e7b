from __future__ import annotations

from django.apps import AppConfig


class ErasConfig(AppConfig):
    """ERAS electronic status reports to residency programs (R-VE-2)."""

    name = "verification.eras"
    label = "eras"
    verbose_name = "ERAS status reports"

    def ready(self) -> None:
        from ecfmg_portal.events import subscribe_status_changed

        from .receivers import on_applicant_status_changed

        subscribe_status_changed(on_applicant_status_changed)

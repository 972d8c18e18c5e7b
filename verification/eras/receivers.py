"""Status-change events -> fresh ERAS status reports (subscribed in ``ErasConfig.ready``)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from .services import status_reports_refresh


@shared_task(bind=True, base=DjangoTask, ignore_result=True)
def status_reports_refresh_task(self: DjangoTask[Any, Any], applicant_id: int, cause: str) -> int:
    """Re-issue the applicant's reports whose content changed; returns how many."""
    return len(status_reports_refresh(applicant_ids=[applicant_id], cause=cause))


def on_applicant_status_changed(applicant_id: int, cause: str) -> None:
    """Runs after the commit that changed the status: queue the refresh."""
    status_reports_refresh_task.delay_on_commit(applicant_id, cause)

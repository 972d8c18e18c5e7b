"""Beat: copy the audit chain's head out of the table (``ecfmg_portal.audit.heads``)."""

from __future__ import annotations

from celery import shared_task

from .heads import audit_head_record


@shared_task(ignore_result=True)
def audit_head_record_task() -> int | None:
    head = audit_head_record()
    return head.sequence if head else None

"""ERAS webhook deliveries that failed, on the staff home page (``ecfmg_portal.workbench``)."""

from __future__ import annotations

from django.db.models import Q

from ecfmg_portal.workbench.registry import Queue, queue_register
from verification.eras.models import WebhookDelivery

WEBHOOKS_FAILED = queue_register(
    Queue(
        key="webhooks_failed",
        title="ERAS webhook deliveries that failed",
        noun="delivery",
        noun_plural="deliveries",
        permission="eras.change_webhookdelivery",
        model=WebhookDelivery,
        condition=lambda: Q(status=WebhookDelivery.Status.FAILED),
        oldest_field="created_at",
        order=82,
        description="Resend once the program's endpoint answers again.",
    )
)

"""The certificate officer's queues on the staff home page (``ecfmg_portal.workbench``)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from certificates.models import Certificate
from ecfmg_portal.workbench.registry import Queue, queue_register

RECENT_DAYS = 30

RECENTLY_ISSUED = queue_register(
    Queue(
        key="certificates_recent",
        title=f"Certificates issued in the last {RECENT_DAYS} days",
        noun="certificate",
        noun_plural="certificates",
        permission="certificates.revoke_certificate",
        model=Certificate,
        condition=lambda: Q(
            status=Certificate.Status.VALID,
            created_at__gte=timezone.now() - datetime.timedelta(days=RECENT_DAYS),
        ),
        oldest_field="created_at",
        order=60,
        description="Check new certificates; reprint or revoke with a reason on the certificate's page.",
    )
)

WITHOUT_PDF = queue_register(
    Queue(
        key="certificates_without_pdf",
        title="Certificates whose PDF is not rendered",
        noun="certificate",
        noun_plural="certificates",
        permission="certificates.reprint_certificate",
        model=Certificate,
        condition=lambda: Q(pdf_rendered_at__isnull=True),
        oldest_field="created_at",
        order=61,
        description="Reprint to render the PDF again.",
    )
)

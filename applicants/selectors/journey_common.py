"""Small helpers the parts of the applicant's journey share."""

from __future__ import annotations

import datetime
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone

from credentials.models import Document

# The most advanced current document of a kind comes first (as the rules rank them).
_RANK: list[str] = [
    Document.Status.VERIFIED,
    Document.Status.SENT_FOR_VERIFICATION,
    Document.Status.RECEIVED,
    Document.Status.UNABLE_TO_VERIFY,
    Document.Status.REJECTED,
]


def support_link(subject: str) -> str:
    return f"mailto:{settings.SUPPORT_EMAIL}?subject={quote(subject)}"


def best_document(documents: list[Document]) -> Document | None:
    ranked = sorted(documents, key=lambda d: _RANK.index(d.status) if d.status in _RANK else len(_RANK))
    return ranked[0] if ranked else None


def local_day(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(value) if value else None

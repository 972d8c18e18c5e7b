"""Template context every page shares (no queries)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def support(request: HttpRequest) -> dict[str, str]:
    """The support address for the footer and help lines (settings.SUPPORT_EMAIL)."""
    return {"support_email": settings.SUPPORT_EMAIL}

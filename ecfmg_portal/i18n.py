"""The signed-in user's saved language (docs/i18n.md).

Django's ``LocaleMiddleware`` picks the language from the language cookie, then from the
browser's ``Accept-Language``. For a signed-in user the language saved on the account
(``User.language``, set at sign-up and by the language switcher) comes first, so the
portal speaks the same language on every device and in that user's e-mails.

This module is on the ground floor: it reads ``request.user.language`` by name and
imports no app.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def supported_language(code: str | None) -> str | None:
    """``code`` as one of ``settings.LANGUAGES`` (``es-AR`` -> ``es``), or None."""
    if not code or len(code) > 35:
        return None
    try:
        return translation.get_supported_language_variant(code.lower())
    except LookupError:
        return None


class AccountLanguageMiddleware:
    """After ``AuthenticationMiddleware``: activate the signed-in user's saved language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        saved = supported_language(getattr(user, "language", "")) if user and user.is_authenticated else None
        if saved and saved != translation.get_language():
            translation.activate(saved)
            request.LANGUAGE_CODE = saved
        return self.get_response(request)


def language_of(holder: object) -> str:
    """The language to write to ``holder`` (a user, a school) in: its saved ``language``
    if the portal speaks it, else the default. For e-mails, rendered outside any request."""
    return supported_language(getattr(holder, "language", "")) or settings.LANGUAGE_CODE

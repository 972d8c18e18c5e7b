"""Middleware that pages need and the organizations' API does not.

Every ``/api/v1/`` request authenticates with a key, answers JSON, sets no cookie and
renders no template. Sessions, sign-in, languages, the second factor, messages and the
signed-in no-store rule do nothing useful there, yet each costs time on the API's hot
path (docs/benchmarks.md). Each class below is the library's own middleware, unchanged
for pages and stepped over for API paths; ``MIDDLEWARE`` lists these in place of the
originals (they are subclasses, so Django's and the libraries' system checks still find
them). What the API keeps: the security headers, Django's own CSRF middleware (the deploy
check names it; DRF's views are exempt), the refusal of control characters, the
database-outage 503, X-Frame-Options, the content security policy and django-axes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware as _Authentication
from django.contrib.messages.middleware import MessageMiddleware as _Messages
from django.contrib.sessions.middleware import SessionMiddleware as _Sessions
from django.http import HttpRequest, HttpResponse
from django.middleware.common import CommonMiddleware as _Common
from django.middleware.locale import LocaleMiddleware as _Locale
from django.utils import translation
from django_otp.middleware import OTPMiddleware as _Otp

from .i18n import AccountLanguageMiddleware as _AccountLanguage
from .security.middleware import NoStoreWhenSignedInMiddleware as _NoStore

API_PREFIX = "/api/v1/"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _pages_only(base: type) -> type:
    """``base``, except that an API request goes straight past it (and its view hook)."""

    def __call__(self: Any, request: HttpRequest) -> HttpResponse:
        if is_api(request):
            response: HttpResponse = self.get_response(request)
            return response
        return base.__call__(self, request)

    namespace: dict[str, Callable[..., Any] | str] = {
        "__call__": __call__,
        "__doc__": f"``{base.__module__}.{base.__name__}`` for pages; API requests skip it.",
        "__module__": __name__,
    }
    if hasattr(base, "process_view"):

        def process_view(self: Any, request: HttpRequest, *args: Any) -> HttpResponse | None:
            return None if is_api(request) else base.process_view(self, request, *args)

        namespace["process_view"] = process_view
    return type(base.__name__, (base,), namespace)


SessionMiddleware = _pages_only(_Sessions)


class LocaleMiddleware(_pages_only(_Locale)):  # type: ignore[misc]
    """Pages speak the reader's language; the API always speaks English (api.md), and a
    thread that served an Arabic page just before keeps nothing of it."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request):
            translation.activate(settings.LANGUAGE_CODE)
        return super().__call__(request)


CommonMiddleware = _pages_only(_Common)
AuthenticationMiddleware = _pages_only(_Authentication)
AccountLanguageMiddleware = _pages_only(_AccountLanguage)
OTPMiddleware = _pages_only(_Otp)
MessageMiddleware = _pages_only(_Messages)
NoStoreWhenSignedInMiddleware = _pages_only(_NoStore)

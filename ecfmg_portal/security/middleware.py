"""Response headers the framework does not set by itself."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control

logger = logging.getLogger(__name__)


class NoStoreWhenSignedInMiddleware:
    """Pages seen by a signed-in person hold personal data: no browser or proxy
    may keep a copy (``Cache-Control: no-store, private``), so the back button on a
    shared computer after logout shows nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


class DatabaseUnavailableMiddleware:
    """A lost database connection during a view is a 503 page with ``Retry-After``,
    not a traceback. The view's ``transaction.atomic`` block has already rolled back,
    so nothing half-written remains; the person is told to try again shortly."""

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error(
            "database unavailable during %s %s: %s",
            request.method,
            request.path,
            exception.__class__.__name__,
        )
        if request.path.startswith("/api/"):
            # The API's error shape (api.md): {"code": ..., "detail": ...}.
            response: HttpResponse = JsonResponse(
                {
                    "code": "unavailable",
                    "detail": "Temporarily unavailable; nothing was changed. Retry later.",
                },
                status=503,
            )
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response


# C0 controls and DEL. A NUL reaching PostgreSQL is a 500 ("A string literal cannot
# contain NUL"); other controls in a path or a query are never legitimate either.
_CONTROL = frozenset(chr(code) for code in [*range(0x00, 0x20), 0x7F])


def _has_control(text: str) -> bool:
    return not _CONTROL.isdisjoint(text)


class RefuseControlCharactersMiddleware:
    """A path or query parameter holding a control character is a 400 before any view
    runs: ``/verify/%00/`` and ``?q=%00`` reached the database and answered 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.GET
        if _has_control(request.path) or any(
            _has_control(key) or any(_has_control(value) for value in query.getlist(key)) for key in query
        ):
            return _bad_request(request, "The address holds a character that is not allowed.")
        return self.get_response(request)


def _bad_request(request: HttpRequest, detail: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        # The API's error shape (code, detail, errors per field; api.md): nothing to say per field here.
        return JsonResponse({"code": "invalid_request", "detail": detail, "errors": {}}, status=400)
    # A person who followed a cut or altered link gets the portal's own page saying
    # what happened and what to do, not bare text (templates/400.html).
    return render(request, "400.html", {"detail": detail}, status=400)

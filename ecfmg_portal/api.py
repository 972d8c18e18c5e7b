"""The API's one translation of errors into JSON (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``).

Every error body is ``{"code": ..., "detail": ...}``; a 400 adds ``errors``, the
messages per field (``non_field_errors`` for the body as a whole). A
``DomainError`` answers with its own status (400, 404 ``NotFound``, 409 ``Conflict``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ecfmg_portal.errors import DomainError

NON_FIELD = "non_field_errors"


def _messages(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten DRF's nested error detail into ``{"field": ["message", ...]}``."""
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == NON_FIELD and prefix:
                name = prefix
            for field, messages in _messages(value, name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list | tuple):
        flat = {}
        for item in detail:
            for field, messages in _messages(item, prefix).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    return {prefix or NON_FIELD: [str(detail)]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"code": exc.code, "detail": exc.message}
        if exc.status == status.HTTP_400_BAD_REQUEST:
            body["errors"] = {exc.field or NON_FIELD: [exc.message]}
        return Response(body, status=exc.status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: a bug, left to Django's 500 handling
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "detail": "The request body is invalid.",
            "errors": _messages(exc.detail),
        }
        return response
    data = response.data if isinstance(response.data, Mapping) else {}
    detail = data.get("detail", "")
    code = getattr(detail, "code", None) or getattr(exc, "default_code", None) or "error"
    response.data = {"code": str(code), "detail": str(detail)}
    if response.status_code == status.HTTP_400_BAD_REQUEST:
        response.data["errors"] = {NON_FIELD: [str(detail)]}
    return response

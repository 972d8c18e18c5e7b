"""JSON only, small and shallow: a body over ``settings.API_MAX_BODY_BYTES`` is refused with 413,
one nested too deeply or holding a NUL with 400 (``ecfmg_portal.security.json_input``)."""

from __future__ import annotations

import io
from typing import IO, Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation

from ecfmg_portal.security.json_input import BoundedJSONParser


class RequestBodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"

    def __init__(self) -> None:
        super().__init__(f"The request body is larger than {settings.API_MAX_BODY_BYTES} bytes.")


class LimitedJSONParser(BoundedJSONParser):
    def parse(self, stream: IO[Any], media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise RequestBodyTooLarge()
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise RequestBodyTooLarge()
        return super().parse(io.BytesIO(raw), media_type, parser_context)


class JSONOnlyNegotiation(BaseContentNegotiation):
    """Every answer is JSON (or the PDF a view returns itself), whatever ``Accept`` says:
    the API never answers 406."""

    def select_parser(self, request: Any, parsers: Any) -> Any:
        return DefaultContentNegotiation().select_parser(request, parsers)

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        return (renderers[0], renderers[0].media_type)

"""OpenAPI details drf-spectacular cannot infer: the key scheme and error headers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

_HEADERS = {
    "401": {
        "WWW-Authenticate": {
            "description": "Always `Token`: send `Authorization: Token <key>`.",
            "schema": {"type": "string"},
            "required": True,
        }
    },
    "429": {
        "Retry-After": {
            "description": "Seconds to wait before the next request.",
            "schema": {"type": "integer", "minimum": 0},
            "required": True,
        }
    },
}


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "verification.api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`. Keys are issued by ECFMG staff and shown once.",
        }


def add_error_headers(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: document ``WWW-Authenticate`` on 401s and ``Retry-After`` on 429s."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
            for code, headers in _HEADERS.items():
                if code in responses:
                    responses[code].setdefault("headers", {}).update(headers)
    return result

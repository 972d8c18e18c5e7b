"""``Authorization: Token <key>`` for organizations and service accounts."""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from ..models import ApiKey, Organization
from ..services.keys import KEYS_GENERATION, api_key_authenticate, api_key_hash
from .throttles import api_key_hit

KEYWORD = "Token"


@dataclass(frozen=True)
class ApiClient:
    """``request.user`` of an API request: the organization behind the key."""

    api_key: ApiKey
    is_authenticated: bool = True

    @property
    def organization(self) -> Organization:
        return self.api_key.organization


class ApiKeyAuthentication(BaseAuthentication):
    """No header: anonymous (the permission answers 401). A wrong, unknown or revoked
    key: 401 with ``WWW-Authenticate: Token``."""

    def authenticate(self, request: Request) -> tuple[ApiClient, ApiKey] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the header as: Authorization: Token <key>.")
        try:
            raw_key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid key.") from None
        # One round trip to Redis: this request's rate-limit hit, and the generation that
        # says whether this process's copy of the key is still good.
        hits = api_key_hit(api_key_hash(raw_key))
        request.api_key_hits = hits  # type: ignore[attr-defined]  # judged by ApiKeyRateThrottle
        api_key = api_key_authenticate(raw_key=raw_key, generation=hits.values[KEYS_GENERATION])
        if api_key is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked key.")
        return ApiClient(api_key=api_key), api_key

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD

"""Rate limits: per API key for the API, per client address for the public page.

The client address is ``ecfmg_portal.security.client_ip.client_ip`` (the same one the
login lockout uses), never DRF's own reading of ``X-Forwarded-For``, which trusts
the whole header when ``NUM_PROXIES`` is unset.

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``, read at request
time so that a settings change (or a test) takes effect at once. Counters live
in Redis, one per window (``ecfmg_portal.counters``). An API request talks to Redis once:
authentication counts the hit for the key and reads the keys' generation in the same
round trip (``api_key_hit``), and the throttle then judges the count it was given.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from ecfmg_portal.counters import WindowCount, window_hit
from ecfmg_portal.security.client_ip import client_ip

from ..models import ApiKey
from ..services.keys import KEYS_GENERATION


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        rates: dict[str, Any] = api_settings.DEFAULT_THROTTLE_RATES
        rate = rates.get(self.scope or "")
        return str(rate) if rate is not None else None

    def get_ident(self, request: Any) -> str:
        return client_ip(request)

    def allow_request(self, request: Any, view: Any) -> bool:
        limit, window = self.parse_rate(self.rate)
        if limit is None or window is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        count = window_hit(key, window_seconds=window)
        self._seconds_left = count.seconds_left
        return count.hits <= limit

    def wait(self) -> float | None:
        """Seconds until this window ends (DRF rounds it up into ``Retry-After``)."""
        return getattr(self, "_seconds_left", None)


def _parsed(rate: Any) -> tuple[int, int] | None:
    if rate is None:
        return None
    limit, window = SimpleRateThrottle.parse_rate(cast(Any, None), str(rate))
    return (limit, window) if limit is not None and window is not None else None


def api_key_hit(key_hash: str) -> WindowCount:
    """Count one request for the key with this hash, reading the keys' generation with
    it. Counted before the key is known to be valid: an unknown key is refused (401)
    whatever its count, and its counter expires with the window."""
    rate = _parsed(api_settings.DEFAULT_THROTTLE_RATES.get(ApiKeyRateThrottle.scope))
    window = rate[1] if rate else 60
    return window_hit(f"api_key:{key_hash}", window_seconds=window, read=(KEYS_GENERATION,))


class ApiKeyRateThrottle(_SettingsRateThrottle):
    """Requests per key; unauthenticated requests are refused (401) before this runs."""

    scope = "api_key"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None
        return f"api_key:{request.auth.key_hash}"

    def allow_request(self, request: Any, view: Any) -> bool:
        counted: WindowCount | None = getattr(request, "api_key_hits", None)
        limit, _ = self.parse_rate(self.rate)
        if counted is None or limit is None:  # not counted by ApiKeyAuthentication
            return super().allow_request(request, view)
        self._seconds_left = counted.seconds_left
        return counted.hits <= limit


class PublicPageThrottle(_SettingsRateThrottle):
    """Lookups of ``/verify/<code>/`` per client address, so codes cannot be guessed."""

    scope = "verify_page"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allows(self, request: HttpRequest) -> bool:
        """For a plain Django view: the throttle reads only ``request.META``."""
        return self.allow_request(cast(Any, request), cast(Any, None))

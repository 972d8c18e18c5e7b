"""Rate limits: per API key for the API, per client address for the public page.

The client address is ``ecfmg_portal.security.client_ip.client_ip`` (the same one the
login lockout uses), never DRF's own reading of ``X-Forwarded-For``, which trusts
the whole header when ``NUM_PROXIES`` is unset.

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``, read at request
time so that a settings change (or a test) takes effect at once. Counters live
in the default cache.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from ecfmg_portal.ratelimit import window_hit
from ecfmg_portal.security.client_ip import client_ip

from ..models import ApiKey


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


class ApiKeyRateThrottle(_SettingsRateThrottle):
    """Requests per key; unauthenticated requests are refused (401) before this runs."""

    scope = "api_key"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class PublicPageThrottle(_SettingsRateThrottle):
    """Lookups of ``/verify/<code>/`` per client address, so codes cannot be guessed."""

    scope = "verify_page"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allows(self, request: HttpRequest) -> bool:
        """For a plain Django view: the throttle reads only ``request.META``."""
        return self.allow_request(cast(Any, request), cast(Any, None))

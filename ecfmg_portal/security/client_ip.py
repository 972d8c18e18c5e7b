"""The client's address: the one function every rate limit and the login lockout use.

Each trusted proxy appends the address it received the connection from to
``X-Forwarded-For``, so behind exactly ``TRUSTED_PROXY_COUNT`` = N proxies the client
is the N-th entry from the right; anything further left was written by the client
and is ignored. With N = 0 (the default: nothing in front of gunicorn) the header
is ignored entirely and ``REMOTE_ADDR`` is the client, so a client cannot choose its
own address to escape a rate limit or to lock out someone else's.

If the header has fewer than N entries the request did not come through the
proxies (or one is misconfigured): the peer address is used, never a guess.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "0.0.0.0"  # noqa: S104 - an identifier for "no address", never bound to


def _normalised(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def trusted_proxy_count() -> int:
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if count < 0:  # production settings refuse this at start; never trust a negative count
        return 0
    return count


def client_ip(request: HttpRequest) -> str:
    """The client's address as the trusted proxies saw it (``UNKNOWN`` if none is valid)."""
    remote = _normalised(request.META.get("REMOTE_ADDR")) or UNKNOWN
    hops = trusted_proxy_count()
    if hops == 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote
    return _normalised(forwarded[-hops]) or remote

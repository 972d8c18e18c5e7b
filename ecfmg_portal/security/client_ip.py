"""The client's address behind the TLS-terminating proxy, for django-axes' per-IP lockout.

Behind a load balancer every request's ``REMOTE_ADDR`` is the balancer: counting
failures per ``REMOTE_ADDR`` would lock everyone out after five bad passwords by
anyone. Each trusted proxy appends the address it received the connection from to
``X-Forwarded-For``, so with ``TRUSTED_PROXY_COUNT`` = N the client is the N-th
entry from the right; anything further left was written by the client and is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    hops = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if hops <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < hops:
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote

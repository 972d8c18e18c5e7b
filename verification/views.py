"""The public authenticity page (R-VE-3): no login, rate limited per address."""

from __future__ import annotations

import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ecfmg_portal.errors import NotFound

from .api.throttles import PublicPageThrottle
from .selectors import public_check_by_code


@never_cache
@require_safe
def verify_page(request: HttpRequest, code: str) -> HttpResponse:
    throttle = PublicPageThrottle()
    if not throttle.allows(request):
        wait = throttle.wait()
        retry_after = max(1, math.ceil(wait)) if wait is not None else 60
        response = render(request, "verification/rate_limited.html", {"retry_after": retry_after}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    try:
        check = public_check_by_code(code=code)
    except NotFound:
        return render(request, "verification/verify_not_found.html", status=404)
    response = render(request, "verification/verify.html", {"check": check})
    response["X-Robots-Tag"] = "noindex"
    return response

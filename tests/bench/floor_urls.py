"""The portal's URLs plus one bare Django JSON view (no database): the framework's floor.

Mounted only by ``tests.bench.settings``; production URLs never include it.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ecfmg_portal.urls import urlpatterns as portal_urlpatterns


@csrf_exempt
@require_POST
def floor(request: HttpRequest) -> JsonResponse:
    """Reads the JSON body like the API does, answers a small JSON object, touches no table."""
    return JsonResponse({"ok": True, "size": len(request.body)}, status=201)


urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *portal_urlpatterns]

"""Top-level URLs. Each app owns its own ``urls.py``; this file only mounts them."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from ecfmg_portal.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("certificates/", include("certificates.urls")),
    path("api/v1/eras/", include("verification.eras.urls")),
    path("account/", include("applicants.payments.urls")),
    path("school/", include("credentials.urls")),
    # Before verification.urls: its api/v1/ catch-all would answer the credential verifier's 404.
    path("", include("certificates.public_urls")),
    path("", include("verification.urls")),
    path("", include("applicants.urls")),
]

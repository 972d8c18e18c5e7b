"""Public addresses of verifiable certificates (api.md "Verifiable certificates").
Mounted at the site root, before the organizations' API catch-all."""

from __future__ import annotations

from django.urls import path

from . import api, public_views

urlpatterns = [
    path(".well-known/did.json", public_views.issuer_did_document, name="issuer_did_document"),
    path(
        "credentials/status/<slug:name>/", public_views.credential_status_list, name="credential_status_list"
    ),
    path("credentials/contexts/certificate/v1", public_views.certificate_context, name="certificate_context"),
    path("credentials/verify/", public_views.credential_verify_page, name="credential_verify"),
    path("api/v1/credentials/verify", api.CredentialVerifyView.as_view(), name="api-credentials-verify"),
]

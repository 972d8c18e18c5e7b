"""The organizations' API, its schema and docs, and the public authenticity page."""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views
from .api import views as api_views

urlpatterns = [
    path("api/v1/exam-results/", api_views.ExamResultFeedView.as_view(), name="api-exam-results"),
    path("api/v1/verifications/", api_views.VerificationCreateView.as_view(), name="api-verifications"),
    # <path:> so that any id, even one with an encoded slash, gets the API's JSON 404.
    path(
        "api/v1/verifications/<path:report_id>/pdf/",
        api_views.VerificationPdfView.as_view(),
        name="api-verification-pdf",
    ),
    path(
        "api/v1/verifications/<path:report_id>/",
        api_views.VerificationDetailView.as_view(),
        name="api-verification-detail",
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="verification/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("verify/<str:code>/", views.verify_page, name="verify"),
    # Any other address under api/v1/ answers the API's JSON 404, not an HTML page.
    re_path(r"^api/v1/", api_views.api_not_found, name="api-not-found"),
]

"""ERAS API, mounted at ``api/v1/eras/``."""

from __future__ import annotations

from django.urls import path

from . import api

urlpatterns = [
    path("applications/", api.ApplicationsFeedView.as_view(), name="eras-applications"),
    path("reports/", api.ReportListView.as_view(), name="eras-reports"),
    path("reports/<str:report_id>/", api.ReportDetailView.as_view(), name="eras-report-detail"),
    path("webhook/", api.WebhookView.as_view(), name="eras-webhook"),
]

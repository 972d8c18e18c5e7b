from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("", views.certificate_detail, name="certificate_detail"),
    path("<int:pk>/download/", views.certificate_download, name="certificate_download"),
    path(
        "<int:pk>/credential/", views.certificate_credential_download, name="certificate_credential_download"
    ),
]

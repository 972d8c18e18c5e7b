"""The school official's pages, mounted at ``/school/``."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "school"

urlpatterns = [
    path("respond/<str:token>/", views.respond, name="respond"),
    path("respond/<str:token>/documents/<int:document_id>/", views.respond_document, name="document"),
    path("thanks/", views.thanks, name="thanks"),
]

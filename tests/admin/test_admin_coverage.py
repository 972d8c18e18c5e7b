"""Staff can reach every model, and the applicant page shows the rules engine's checklist."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from applicants.demo.loader import seed_demo
from applicants.models import Applicant
from tests.admin.test_changelists_fixed_queries import verified_superuser_client

# Models staff never browse: join tables and counters kept by the services.
NOT_IN_ADMIN = {"certificates.certificatecounter"}
OUR_APPS = {"applicants", "credentials", "exams", "certificates", "verification", "eras", "audit"}


def test_every_model_of_ours_is_registered_in_the_admin() -> None:
    ours = {
        model._meta.label_lower
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS and not model._meta.auto_created
    }
    registered = {model._meta.label_lower for model in admin.site._registry}
    # A model shown as an inline on its parent's page is reachable too.
    inlined = {
        inline.model._meta.label_lower
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }
    assert ours - registered - inlined - NOT_IN_ADMIN == set()


@pytest.mark.django_db
def test_the_applicant_page_shows_the_checklist_for_demo_applicants(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo()
    client = verified_superuser_client()
    student = Applicant.objects.get(user__email="student@applicant.test")
    page = client.get(reverse("admin:applicants_applicant_change", args=[student.pk])).content.decode()
    for rule in (
        "R-ID-1",
        "R-EX-1",
        "R-EX-2",
        "R-EX-3",
        "R-ED-1",
        "R-ED-2",
        "R-ED-6",
        "R-ED-7",
        "R-ED-8",
        "R-PAY-2",
    ):
        assert rule in page
    assert "Not yet eligible" in page  # the applicant's whole file, checklist section
    certified = Applicant.objects.get(user__email="certified@applicant.test")
    page = client.get(reverse("admin:applicants_applicant_change", args=[certified.pk])).content.decode()
    assert "Eligible for the Standard ECFMG Certificate" in page

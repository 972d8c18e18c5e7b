"""The cheaper forms of what the staff lists show say the same as Django's own.

Each change here was made for time at 100k applicants (docs/benchmarks.md, "Pages and
the staff workbench"): the documents list's R-ED-3 column, the row checkbox, the ERAS
season filter and the app list shared by every admin page.
"""

from __future__ import annotations

from pathlib import Path

import django.contrib.admin
import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.auth.models import Permission
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from applicants.models import User
from applicants.tests.factories import ApplicantFactory
from credentials.models import Document
from credentials.tests.factories import DocumentFactory
from exams.tests.factories import ExamApplicationFactory
from tests.admin.conftest import verified
from tests.admin.test_changelists_fixed_queries import verified_superuser_client
from verification.eras.models import ResidencyApplication
from verification.eras.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

HELD = "Waiting: no exam application yet (R-ED-3), held until the first one"


def test_the_documents_list_says_which_diplomas_wait_for_a_first_application() -> None:
    waiting = DocumentFactory(applicant=ApplicantFactory())
    applied = DocumentFactory(applicant=ApplicantFactory())
    ExamApplicationFactory(applicant=applied.applicant)
    ExamApplicationFactory(applicant=applied.applicant)  # two applications: still one row
    from_school = DocumentFactory(applicant=ApplicantFactory(), source=Document.Source.SCHOOL)
    response = verified_superuser_client().get(
        reverse("admin:credentials_document_changelist"), {"status__exact": Document.Status.RECEIVED}
    )
    model_admin = admin.site._registry[Document]
    shown = {row.pk: model_admin.processing(row) for row in response.context["cl"].result_list}
    assert shown == {waiting.pk: HELD, applied.pk: "-", from_school.pk: "-"}


def test_the_row_checkbox_is_djangos_own() -> None:
    document = DocumentFactory()
    model_admin = admin.site._registry[Document]
    assert model_admin.action_checkbox(document) == admin.ModelAdmin.action_checkbox(model_admin, document)


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_a_documents_name_is_its_kinds_display_in_every_language(language: str) -> None:
    """The checkbox label of every documents row: ``str()`` reads the kind's label without
    get_kind_display(), and says the same."""
    documents = [DocumentFactory(kind=kind) for kind in Document.Kind.values]
    with translation.override(language):
        assert [str(d) for d in documents] == [f"{d.get_kind_display()} #{d.pk}" for d in documents]


def test_the_season_filter_lists_every_season_on_record_and_filters_by_it() -> None:
    program = ProgramFactory()
    for season in ("2025", "2027"):
        ResidencyApplication.objects.create(applicant=ApplicantFactory(), program=program, season=season)
    client = verified_superuser_client()
    url = reverse("admin:eras_residencyapplication_changelist")
    response = client.get(url)
    season_filter = next(f for f in response.context["cl"].filter_specs if f.parameter_name == "season")
    assert [value for value, _ in season_filter.lookup_choices] == ["2027", "2026", "2025"]
    filtered = client.get(url, {"season": "2025"}).context["cl"].result_list
    assert [a.season for a in filtered] == ["2025"]


def _request_for(user: User) -> object:
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=user.pk)  # a fresh user: no permission cache
    return request


def test_the_app_list_is_djangos_and_follows_the_users_permissions() -> None:
    clerk = User.objects.create_user(email="clerk@ecfmg.test", password="a-long-password-1", is_staff=True)
    request = _request_for(clerk)
    assert admin.site.get_app_list(request) == AdminSite.get_app_list(admin.site, request) == []

    clerk.user_permissions.add(Permission.objects.get(codename="view_document"))
    request = _request_for(clerk)
    granted = admin.site.get_app_list(request)
    assert granted == AdminSite.get_app_list(admin.site, request)
    assert [row["object_name"] for app in granted for row in app["models"]] == ["Document"]

    granted[0]["models"].clear()  # what a caller does to its copy stays in its copy
    assert admin.site.get_app_list(_request_for(clerk)) == AdminSite.get_app_list(admin.site, request)

    clerk.user_permissions.clear()
    assert admin.site.get_app_list(_request_for(clerk)) == []


def _djangos_sidebar(path: str, user: User) -> str:
    """Django's own admin/nav_sidebar.html (not the portal's), rendered for that page."""
    source = Path(django.contrib.admin.__file__).parent / "templates" / "admin" / "nav_sidebar.html"
    request = RequestFactory().get(path)
    request.user = User.objects.get(pk=user.pk)
    context = {"available_apps": AdminSite.get_app_list(admin.site, request), "request": request}
    return engines["django"].from_string(source.read_text()).render(context, request)


def _sidebar_of(page: str) -> str:
    start = page.index('<button class="sticky toggle-nav-sidebar"')
    return page[start : page.index("</nav>", start) + len("</nav>")]


def test_the_sidebar_is_djangos_on_every_kind_of_page_and_follows_permissions() -> None:
    document = DocumentFactory()
    root = User.objects.create_superuser(email="root2@ecfmg.test", password="a-long-admin-password-1")
    pages = [
        reverse("admin:credentials_document_changelist") + "?status__exact=received",
        reverse("admin:applicants_applicant_changelist"),
        reverse("admin:applicants_applicant_history", args=[document.applicant.pk]),
        reverse("admin:exams_examresult_changelist"),
    ]
    client = verified(root)
    for path in pages * 2:  # the second time from the cache
        page = client.get(path).content.decode()
        assert _sidebar_of(page) == _sidebar_of(_djangos_sidebar(path, root)), path

    clerk = User.objects.create_user(email="clerk2@ecfmg.test", password="a-long-password-1", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_document"))
    client = verified(clerk)
    path = pages[0]
    assert _sidebar_of(client.get(path).content.decode()) == _sidebar_of(_djangos_sidebar(path, clerk))
    clerk.user_permissions.add(Permission.objects.get(codename="view_examresult"))
    page = client.get(path).content.decode()
    assert _sidebar_of(page) == _sidebar_of(_djangos_sidebar(path, clerk))
    assert "model-examresult" in _sidebar_of(page)

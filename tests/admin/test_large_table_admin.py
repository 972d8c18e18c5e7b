"""Staff list pages over large tables: exact USMLE ID search, index ordering, no date scans."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import results
from django.contrib.admin.views.main import ChangeList
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse, set_script_prefix

from applicants.models import User
from applicants.tests.factories import ApplicantFactory
from credentials.models import Document
from credentials.tests.factories import DocumentFactory
from ecfmg_portal.admin_lists import EstimatedCountPaginator, LargeTableAdmin, url_with_pk
from exams.models import ExamResult
from exams.tests.factories import ExamResultFactory
from tests.admin.test_changelists_fixed_queries import verified_superuser_client

# The tables that grow with every applicant.
LARGE = [
    "credentials.document",
    "credentials.documentevent",
    "exams.examresult",
    "exams.examapplication",
    "applicants.ledgerentry",
    "certificates.certificate",
    "eras.residencyapplication",
    "eras.statusreport",
    "eras.webhookdelivery",
    "verification.verificationreport",
    "verification.verificationrequest",
]


@pytest.mark.parametrize("label", LARGE)
def test_large_tables_use_the_large_table_admin(label: str) -> None:
    model_admin = next(a for m, a in admin.site._registry.items() if m._meta.label_lower == label)
    assert isinstance(model_admin, LargeTableAdmin)
    assert not model_admin.date_hierarchy


@pytest.mark.django_db
def test_a_usmle_id_search_matches_that_id_only() -> None:
    wanted = ApplicantFactory()
    ExamResultFactory(applicant=wanted)
    ExamResultFactory(applicant=ApplicantFactory(last_name=f"Name{wanted.usmle_id}"))
    client = verified_superuser_client()
    url = reverse("admin:exams_examresult_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": wanted.usmle_id})
    assert list(response.context["cl"].result_list) == list(ExamResult.objects.filter(applicant=wanted))
    # Exact match on the ID: no LIKE over names.
    assert not [q for q in queries.captured_queries if "LIKE" in q["sql"].upper()]


@pytest.mark.django_db
def test_an_unfiltered_postgresql_list_is_counted_from_statistics(monkeypatch: pytest.MonkeyPatch) -> None:
    """No COUNT(*) over the whole table for the page links; a filtered list is exact."""
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics exist on PostgreSQL only")
    for _ in range(3):
        ExamResultFactory()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE exams_examresult")
    monkeypatch.setattr("ecfmg_portal.admin_lists.ESTIMATE_ABOVE", 0)
    paginator = EstimatedCountPaginator(ExamResult.objects.order_by("-pk"), 50)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 3
    assert "COUNT(" not in queries.captured_queries[0]["sql"].upper()
    filtered = EstimatedCountPaginator(ExamResult.objects.filter(outcome="fail").order_by("-pk"), 50)
    assert filtered.count == ExamResult.objects.filter(outcome="fail").count()


@pytest.mark.django_db
def test_small_tables_are_counted_exactly() -> None:
    ExamResultFactory()
    assert EstimatedCountPaginator(ExamResult.objects.order_by("-pk"), 50).count == 1


def _rows(model_admin: Any, request: Any, changelist_class: type[ChangeList]) -> list[list[str]]:
    """The list's rows as the changelist template gets them, for one ChangeList class."""
    original = model_admin.get_changelist
    model_admin.get_changelist = lambda request, **kwargs: changelist_class
    try:
        cl = model_admin.get_changelist_instance(request)
    finally:
        model_admin.get_changelist = original
    cl.formset = None  # set by changelist_view: no editable columns here
    return [list(row) for row in results(cl)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "query"),
    [
        (Document, {"status__exact": "received"}),
        (Document, {"status__exact": "received", "kind__exact": "diploma", "o": "-1"}),
        (ExamResult, {}),
        (ExamResult, {"q": "Name"}),
    ],
)
def test_row_cells_and_links_are_djangos_own(model: Any, query: dict[str, str]) -> None:
    """Filtered, searched or not: every cell of every row, the row's link with the list's
    filters in it and the per-row download link, as Django's own ChangeList writes them."""
    for _ in range(3):
        DocumentFactory()
        ExamResultFactory(applicant=ApplicantFactory(last_name="Name"))
    path = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    request = RequestFactory().get(path, query)
    request.resolver_match = resolve(path)  # what tells Django to keep the filters in row links
    request.user = User.objects.create_superuser(email="rows@ecfmg.test", password="a-long-admin-password-1")
    model_admin = admin.site._registry[model]
    ours = _rows(model_admin, request, model_admin.get_changelist(request))
    assert ours == _rows(model_admin, request, ChangeList)
    assert ours
    assert ("?_changelist_filters=" in "".join(ours[0])) == bool(query)


def test_a_url_from_one_reversed_prefix_is_reverse() -> None:
    for viewname, pk in [
        ("admin:credentials_document_file", 7),
        ("admin:credentials_document_change", 123456),
        ("admin:credentials_document_change", "a/b c"),  # not an integer: reverse itself
    ]:
        assert url_with_pk(viewname, pk) == reverse(viewname, args=[pk])
    set_script_prefix("/portal/")
    try:
        assert url_with_pk("admin:credentials_document_file", 7) == reverse(
            "admin:credentials_document_file", args=[7]
        )
        assert url_with_pk("admin:credentials_document_file", 7).startswith("/portal/")
    finally:
        set_script_prefix("/")

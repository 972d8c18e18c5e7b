"""Staff list pages over large tables: exact USMLE ID search, index ordering, no date scans."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applicants.tests.factories import ApplicantFactory
from ecfmg_portal.admin_lists import EstimatedCountPaginator, LargeTableAdmin
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

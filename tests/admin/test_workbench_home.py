"""The home page of work: each role sees its queues with counts and ages, links that
open the same rows oldest first, and administrators alone see the Administration tables."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credentials.models import Document
from ecfmg_portal.workbench.registry import age_label, queue_get, queues_for
from tests.admin.workbench_data import populate

pytestmark = pytest.mark.django_db

HOME = "/admin/"


def _queue_keys(html: str) -> list[str]:
    return re.findall(r'data-queue="([a-z_]+)"', html)


def test_reviewer_sees_document_queues_and_no_administration(staff_client):
    response = staff_client("reviewer@ecfmg.test").get(HOME)
    html = response.content.decode()
    keys = _queue_keys(html)
    assert {"diplomas", "documents", "school_answers", "schools_silent", "identity_corrections"} <= set(keys)
    assert "payments_unmatched" not in keys
    assert 'data-testid="administration"' not in html
    assert "Axes" not in html and "OTP" not in html


def test_finance_sees_payments_queue_only(staff_client):
    keys = _queue_keys(staff_client("finance@ecfmg.test").get(HOME).content.decode())
    assert keys == ["payments_unmatched"]


def test_administrator_sees_administration_section(staff_client):
    html = staff_client("administrator@ecfmg.test").get(HOME).content.decode()
    assert 'data-testid="administration"' in html
    section = html.split('data-testid="administration"', 1)[1]
    assert "Audit trail" in section and reverse("admin:mfa_staff") in section


def test_count_is_the_length_of_the_linked_list_oldest_first(staff_client):
    client = staff_client("reviewer@ecfmg.test")
    queue = queue_get("diplomas")
    expected = Document.objects.filter(kind="diploma", status="received").count()
    assert expected > 0
    html = client.get(HOME).content.decode()
    noun = "diploma" if expected == 1 else "diplomas"
    assert f'data-testid="count-diplomas">{expected} {noun}<' in html
    listing = client.get(queue.url())
    assert listing.status_code == 200
    shown = list(listing.context["cl"].result_list)
    assert len(shown) == expected
    assert [d.created_at for d in shown] == sorted(d.created_at for d in shown)


def test_queue_plural_reads_right():
    queue = queue_get("diplomas")
    assert queue.count_label(1) == "1 diploma"
    assert queue.count_label(2) == "2 diplomas"
    assert age_label(None) == "—"


def test_home_page_query_count_does_not_grow_with_rows(staff_client, django_capture_on_commit_callbacks: Any):
    counts = {}
    for email in ("root@ecfmg.test", "reviewer@ecfmg.test"):
        client = staff_client(email)
        client.get(HOME)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOME).status_code == 200
        counts[email] = len(queries)
    with django_capture_on_commit_callbacks(execute=True):
        populate("102")
        populate("103")
    for email, small in counts.items():
        client = staff_client(email)
        client.get(HOME)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOME).status_code == 200
        assert len(queries) == small, email


def test_charts_page_renders_accessible_svg_with_a_table(staff_client):
    response = staff_client("administrator@ecfmg.test").get(reverse("admin:workbench_charts"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg class="chart"') >= 2
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert 'data-testid="turnaround-table"' in html
    assert "<script" not in html.split("<body", 1)[1].replace('src="/static/admin/js', "")


def test_queues_follow_permissions(staff_client):
    from applicants.models import User

    certificates = User.objects.get(email="certificates@ecfmg.test")
    assert [q.key for q in queues_for(certificates)] == ["certificates_recent", "certificates_without_pdf"]

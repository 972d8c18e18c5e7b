"""Every admin changelist runs the same number of queries whatever the row count.

The test fills every table through the real services (one certified applicant
and one in progress per round), then opens each registered changelist with a
verified superuser at two data sizes. A list column that reaches through a
relation without ``list_select_related`` adds a query per row and fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from applicants.demo import loader
from applicants.demo.loader import seed_demo
from applicants.models import User

pytestmark = pytest.mark.django_db


def verified_superuser_client() -> Client:
    user = User.objects.create_superuser(email="root@ecfmg.test", password="a-long-admin-password-1")
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def changelist_urls() -> list[str]:
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


def query_counts(client: Client) -> dict[str, int]:
    counts: dict[str, int] = {}
    for url in changelist_urls():
        with CaptureQueriesContext(connection) as queries:
            # follow: the documents list opens on its default filter ("Received").
            response = client.get(url, follow=True)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


def add_more_rows(round_number: int) -> None:
    """A second, differently named copy of the demo population."""
    # The loader keys its rows by e-mail address: new addresses make new rows.
    original = loader._applicant

    def renamed(email: str, identity: Any) -> Any:
        return original(email.replace("@", f"+{round_number}@"), identity)

    loader._applicant = renamed
    try:
        loader._applicants(loader.DemoSummary(), User.objects.get(email="admin@ecfmg.test"))
    finally:
        loader._applicant = original


def test_changelist_query_counts_do_not_grow_with_rows(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo()
    client = verified_superuser_client()
    small = query_counts(client)
    for round_number in (1, 2, 3):
        with django_capture_on_commit_callbacks(execute=True):
            add_more_rows(round_number)
    large = query_counts(client)
    grew = {url: (small[url], large[url]) for url in small if large[url] != small[url]}
    assert not grew, f"changelists whose query count grows with rows (before, after): {grew}"

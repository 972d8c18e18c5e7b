"""Staff see failed deliveries in the admin and resend them; a delivered one is never resent."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ecfmg_portal.audit.models import AuditEntry
from tests.admin.test_changelists_fixed_queries import verified_superuser_client
from verification.eras.models import FeedAccess, WebhookDelivery
from verification.eras.tasks import webhook_deliver

from .conftest import apply, with_webhook
from .factories import applicant

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:eras_webhookdelivery_changelist")


def test_failed_deliveries_are_listed_and_resent(receiver, feed, program, django_capture_on_commit_callbacks):
    with_webhook(program, receiver.url)
    apply(feed, applicant(), program)
    apply(feed, applicant(), program)
    delivered, failing = WebhookDelivery.objects.order_by("pk")
    receiver.statuses = [200, 400, 200]
    assert webhook_deliver(delivered.pk) == "delivered"
    assert webhook_deliver(failing.pk) == "failed"
    client = verified_superuser_client()

    page = client.get(CHANGELIST, {"status__exact": "failed"}).content.decode()
    assert str(failing.public_id) in page
    assert str(delivered.public_id) not in page
    assert "The receiver answered HTTP 400." in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST,
            {"action": "resend", "_selected_action": [delivered.pk, failing.pk]},
            follow=True,
        )
    assert "1 delivery(ies) queued again." in response.content.decode()
    assert "1 skipped" in response.content.decode()
    failing.refresh_from_db()
    assert failing.status == WebhookDelivery.Status.DELIVERED
    assert list(failing.attempt_log.values_list("outcome", flat=True)) == ["failed", "delivered"]
    # Three requests in all: the delivered report was not sent a second time.
    assert len(receiver.requests) == 3


def test_the_delivery_page_shows_every_attempt(receiver, feed, program):
    receiver.statuses = [503]
    with_webhook(program, receiver.url)
    apply(feed, applicant(), program)
    delivery = WebhookDelivery.objects.get()
    webhook_deliver(delivery.pk)
    page = (
        verified_superuser_client()
        .get(reverse("admin:eras_webhookdelivery_change", args=[delivery.pk]))
        .content.decode()
    )
    assert "503" in page
    assert "Failed, will retry" in page


def test_staff_grant_and_revoke_the_feed_right_with_an_audit_trail(feed_plain):
    client = verified_superuser_client()
    add = reverse("admin:eras_feedaccess_add")
    response = client.post(add, {"organization": feed_plain.pk}, follow=True)
    assert response.status_code == 200
    access = FeedAccess.objects.get(organization=feed_plain)
    assert access.granted_by is not None

    client.post(reverse("admin:eras_feedaccess_delete", args=[access.pk]), {"post": "yes"}, follow=True)
    assert not FeedAccess.objects.exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="eras.feed_access").values_list("action", flat=True)
    ) == ["eras.feed_access.granted", "eras.feed_access.revoked"]


def test_changelists_run_fixed_queries_whatever_the_rows(receiver, feed, program, other_program):
    client = verified_superuser_client()
    urls = [
        reverse(f"admin:eras_{name}_changelist")
        for name in ("residencyapplication", "statusreport", "webhookdelivery", "feedaccess")
    ]
    with_webhook(program, receiver.url)

    def counts() -> list[int]:
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    apply(feed, applicant(), program, other_program)
    few = counts()
    for _ in range(4):
        apply(feed, applicant(), program, other_program)
    assert counts() == few

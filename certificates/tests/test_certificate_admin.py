"""Staff reprint and revoke from the admin; only the certificate officer group may."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from applicants.services.staff import CERTIFICATE_OFFICER, REVIEWER, staff_groups_sync
from applicants.tests.factories import UserFactory
from certificates.models import Certificate
from certificates.tests.factories import CertificateFactory
from ecfmg_portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:certificates_certificate_changelist")


def staff_client(client, group: str):
    staff_groups_sync()
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    device = StaticDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return user


def test_the_officer_revokes_through_a_confirmation_page_with_a_reason(client, fake_pdf):
    officer = staff_client(client, CERTIFICATE_OFFICER)
    certificate = CertificateFactory()
    selection = {"action": "revoke", "_selected_action": [certificate.pk]}

    page = client.post(CHANGELIST, selection)
    assert page.status_code == 200
    assert certificate.number in page.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID  # nothing happens before confirming

    empty = client.post(CHANGELIST, {**selection, "apply": "1", "reason": ""})
    assert empty.status_code == 200  # the form again, with its error
    response = client.post(CHANGELIST, {**selection, "apply": "1", "reason": "Irregular behavior finding"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_by == officer


def test_the_officer_reprints(client, fake_pdf, django_capture_on_commit_callbacks):
    staff_client(client, CERTIFICATE_OFFICER)
    certificate = CertificateFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHANGELIST, {"action": "reprint", "_selected_action": [certificate.pk]})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.pdf_rendered_at is not None
    assert AuditEntry.objects.filter(action="certificate.reprinted").count() == 1


def test_a_reviewer_sees_certificates_but_cannot_revoke_or_reprint(client):
    staff_client(client, REVIEWER)
    certificate = CertificateFactory()
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert b'value="revoke"' not in page.content and b'value="reprint"' not in page.content
    client.post(
        CHANGELIST, {"action": "revoke", "_selected_action": [certificate.pk], "apply": "1", "reason": "x"}
    )
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID


def test_the_change_page_is_read_only_and_nothing_can_be_added_or_deleted(client):
    staff_client(client, CERTIFICATE_OFFICER)
    certificate = CertificateFactory()
    change = reverse("admin:certificates_certificate_change", args=[certificate.pk])
    assert client.get(change).status_code == 200
    client.post(change, {"number": "1-111-111-1"})
    certificate.refresh_from_db()
    assert certificate.number != "1-111-111-1"
    assert client.get(reverse("admin:certificates_certificate_add")).status_code == 403
    assert (
        client.get(reverse("admin:certificates_certificate_delete", args=[certificate.pk])).status_code == 403
    )

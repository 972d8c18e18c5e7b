"""Staff reach no admin page without a second factor; new staff enrol a TOTP device."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from applicants.tests.factories import UserFactory
from ecfmg_portal.admin_site import PortalAdminSite, staff_verified_required
from ecfmg_portal.audit.models import AuditEntry
from ecfmg_portal.security.mfa import staff_device_for_demo

from .conftest import STAFF_PASSWORD, verified_client

pytestmark = pytest.mark.django_db


def _admin_urls() -> list[str]:
    """The index, every registered model's changelist and add page."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    return urls


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_default_admin_site_is_the_mfa_site():
    assert isinstance(admin.site, PortalAdminSite)


def test_superuser_signed_in_with_password_only_is_sent_away_from_every_admin_page(make_staff):
    user = make_staff(superuser=True)
    client = Client()
    client.force_login(user)  # password factor only
    for url in _admin_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


def test_verified_superuser_opens_admin_pages(make_staff):
    client = verified_client(make_staff(superuser=True))
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200


def test_new_staff_member_is_sent_to_enrolment_after_password_login(make_staff):
    make_staff(superuser=True)
    client = Client()
    response = client.post(
        reverse("admin:login"), {"username": "staff@ecfmg.test", "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:mfa_enrol")
    # Still no admin page: only enrolment.
    follow = client.get(reverse("admin:index"))
    assert follow.status_code == 302
    assert client.get(follow["Location"])["Location"] == reverse("admin:mfa_enrol")


def test_enrolment_shows_a_qr_code_and_confirms_with_a_code(make_staff):
    user = make_staff(superuser=True)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("admin:mfa_enrol"))
    assert page.status_code == 200
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(
        reverse("admin:mfa_enrol"), {"token": "000000" if _code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert b"not right" in wrong.content
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    done = client.post(reverse("admin:mfa_enrol"), {"token": _code(device)})
    # Confirmed: the ten backup codes are shown once, on this response (tests/admin/test_staff_mfa.py).
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    assert client.get(reverse("admin:index")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="staff.mfa_enrolled", object_id=str(device.pk)).exists()


def test_staff_with_a_device_cannot_enrol_another_with_the_password_alone(make_staff):
    user = make_staff(superuser=True)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("admin:mfa_enrol"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


def test_applicant_cannot_enrol(db):
    client = Client()
    client.force_login(UserFactory())
    assert client.get(reverse("admin:mfa_enrol")).status_code == 302
    assert not TOTPDevice.objects.exists()


def test_admin_login_with_a_device_needs_password_and_code(make_staff):
    user = make_staff(superuser=True)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    no_code = client.post(reverse("admin:login"), {"username": user.email, "password": STAFF_PASSWORD})
    assert no_code.status_code == 200  # form again, asking for the code
    assert client.get(reverse("admin:index")).status_code == 302
    ok = client.post(
        reverse("admin:login"),
        {"username": user.email, "password": STAFF_PASSWORD, "otp_token": _code(device)},
    )
    assert ok.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_demo_device_gives_a_working_single_use_token(make_staff):
    user = make_staff(superuser=True)
    uri, token = staff_device_for_demo(user)
    assert uri.startswith("otpauth://totp/")
    client = Client()
    response = client.post(
        reverse("admin:login"), {"username": user.email, "password": STAFF_PASSWORD, "otp_token": token}
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert not StaticToken.objects.filter(token=token).exists()  # used up
    _, second = staff_device_for_demo(user)
    assert second != token
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_no_one_can_read_a_staff_members_totp_secret_in_the_admin(make_staff):
    victim = make_staff("victim@ecfmg.test")
    device = TOTPDevice.objects.create(user=victim, name="phone", confirmed=True)
    client = verified_client(make_staff("root@ecfmg.test", superuser=True))
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code == 403
    assert client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk])).status_code == 403
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert change.status_code == 200
    assert device.key.encode() not in change.content


def test_staff_pages_outside_the_admin_need_the_second_factor_too(make_staff, rf):
    view = staff_verified_required(lambda request: HttpResponse("staff data"))
    user = make_staff()
    request = rf.get("/staff/report/")
    request.user = user
    user.is_verified = lambda: False  # password only
    assert view(request).status_code == 302
    user.is_verified = lambda: True
    assert view(request).content == b"staff data"
    request.user = AnonymousUser()
    assert view(request).status_code == 302

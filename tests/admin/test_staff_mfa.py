"""Second factor staff can set up: ten backup codes shown once at enrolment; an
administrator resets a colleague's devices (audited) and never sees a secret."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from applicants.models import User
from ecfmg_portal.audit.models import AuditEntry

from .conftest import verified
from .workbench_data import STAFF_PASSWORD

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_first_login_enrols_totp_and_shows_ten_backup_codes_once(work):
    client = Client()
    response = client.post(
        reverse("admin:login"), {"username": "reviewer@ecfmg.test", "password": STAFF_PASSWORD}
    )
    assert response["Location"] == reverse("admin:mfa_enrol")
    page = client.get(reverse("admin:mfa_enrol")).content.decode()
    assert "<svg" in page and "type this key by hand" in page
    device = TOTPDevice.objects.get(user__email="reviewer@ecfmg.test", confirmed=False)
    shown = client.post(reverse("admin:mfa_enrol"), {"token": _code(device)})
    codes = shown.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in shown.content.decode() for code in codes)
    assert client.get(reverse("admin:index")).status_code == 200
    # A backup code signs in once.
    fresh = Client()
    data = {"username": "reviewer@ecfmg.test", "password": STAFF_PASSWORD, "otp_token": codes[0]}
    assert fresh.post(reverse("admin:login"), data).status_code == 302
    assert not StaticToken.objects.filter(token=codes[0]).exists()


def test_administrator_resets_a_colleagues_second_factor_audited_without_seeing_it(work):
    colleague = User.objects.get(email="reviewer@ecfmg.test")
    device = TOTPDevice.objects.create(user=colleague, name="phone", confirmed=True)
    admin = verified(User.objects.get(email="administrator@ecfmg.test"))
    listing = admin.get(reverse("admin:mfa_staff")).content.decode()
    assert "reviewer@ecfmg.test" in listing
    assert device.key not in listing
    admin.post(reverse("admin:mfa_reset", args=[colleague.pk]))
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert not StaticDevice.objects.filter(user=colleague).exists()
    entry = AuditEntry.objects.get(action="staff.mfa_reset")
    assert entry.object_id == str(colleague.pk)
    assert device.key not in str(entry.before) + str(entry.after)


def test_reviewer_cannot_reset_anyones_second_factor(work):
    target = User.objects.get(email="finance@ecfmg.test")
    TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
    reviewer = verified(User.objects.get(email="reviewer@ecfmg.test"))
    assert reviewer.get(reverse("admin:mfa_staff")).status_code == 403
    assert reviewer.post(reverse("admin:mfa_reset", args=[target.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=target).exists()


def test_no_one_resets_their_own_second_factor(work):
    admin_user = User.objects.get(email="administrator@ecfmg.test")
    admin = verified(admin_user)
    admin.post(reverse("admin:mfa_reset", args=[admin_user.pk]))
    assert TOTPDevice.objects.filter(user=admin_user).exists()
    assert not AuditEntry.objects.filter(action="staff.mfa_reset").exists()

"""Staff two-factor authentication (TOTP, django-otp).

Every staff account must hold a confirmed device before any admin page opens
(``ecfmg_portal.admin_site.PortalAdminSite``). A new staff member signs in with
their password once and enrols an authenticator app on the enrolment page; from
then on the admin login asks for password and code together. Enrolment ends with
ten backup codes shown once; an administrator can reset a colleague's devices
(audited) without ever seeing a secret.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import DomainError

ENROLMENT_DEVICE_NAME = "Authenticator app (enrolling)"
CONFIRMED_DEVICE_NAME = "Authenticator app"
DEMO_DEVICE_NAME = "Demo authenticator"


def staff_may_enrol(*, user: Any) -> bool:
    """A staff member may add a device when they have none yet, or when this session
    is already verified by one (so a stolen password alone cannot add a device)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    verified = getattr(user, "is_verified", lambda: False)()
    return verified or not user_has_device(user, confirmed=True)


def mfa_enrolment_device(*, user: Any) -> TOTPDevice:
    """The unconfirmed device being enrolled; the same one on every visit until confirmed."""
    if not staff_may_enrol(user=user):
        raise DomainError("mfa_enrol_refused", "Sign in with your current authenticator to add another.")
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=ENROLMENT_DEVICE_NAME).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, confirmed=False, name=ENROLMENT_DEVICE_NAME)
    return device


def mfa_enrolment_confirm(*, user: Any, token: str) -> TOTPDevice:
    """Confirm the enrolling device with a code from the app. Raises ``DomainError``
    on a wrong code (the device's own throttling slows guessing)."""
    token = (token or "").strip().replace(" ", "")
    if not (token.isdigit() and len(token) == 6):
        raise DomainError("mfa_token_format", "Enter the 6-digit code your app shows.", field="token")
    with transaction.atomic():
        device = mfa_enrolment_device(user=user)
        if not device.verify_token(token):
            raise DomainError(
                "mfa_token_wrong",
                "That code is not right. Check the time on your phone and enter the newest code.",
                field="token",
            )
        device.confirmed = True
        device.name = CONFIRMED_DEVICE_NAME
        device.save(update_fields=["confirmed", "name"])
        audit_record(action="staff.mfa_enrolled", obj=device, actor=user, after={"device": device.pk})
    return device


def otpauth_qr_svg(uri: str) -> str:
    """The ``otpauth://`` URI as an inline SVG QR code (no script, no external image)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    return svg if isinstance(svg, str) else svg.decode()


def staff_device_for_demo(user: Any) -> tuple[str, str]:
    """For the demo loader only: give ``user`` a confirmed TOTP device and a fresh
    single-use static token. Returns ``(otpauth_uri, static_token)``: add the URI to
    an authenticator app, or type the token once in the admin login's OTP field.
    Each call adds one more token; the TOTP device is reused."""
    with transaction.atomic():
        totp = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME).first()
        if totp is None:
            totp = TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)
        static, _ = StaticDevice.objects.get_or_create(
            user=user, name=DEMO_DEVICE_NAME, defaults={"confirmed": True}
        )
        token = f"{secrets.randbelow(10**8):08d}"
        StaticToken.objects.create(device=static, token=token)
    return totp.config_url, token


BACKUP_DEVICE_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10


def mfa_backup_codes_issue(*, user: Any, actor: Any) -> list[str]:
    """Ten new single-use backup codes for ``user`` (the old ones stop working).

    Returned once, to be shown once: django-otp keeps static tokens to compare
    against, and no page shows them again. Audited without the codes."""
    if not (getattr(user, "is_verified", lambda: False)() and actor == user):
        raise DomainError("mfa_codes_refused", "Sign in with your authenticator to get new backup codes.")
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
        audit_record(
            action="staff.mfa_backup_codes_issued", obj=device, actor=actor, after={"count": len(codes)}
        )
    return codes


def mfa_reset(*, user: Any, actor: Any) -> int:
    """An administrator removes every second-factor device of a colleague who lost
    theirs; the colleague enrols again at their next sign-in. Nobody's own factor
    is reset this way (that would need no second person). Returns devices removed."""
    if user.pk == getattr(actor, "pk", None):
        raise DomainError("mfa_reset_self", "Ask another administrator to reset your own second factor.")
    if not (
        actor.has_perm("otp_totp.delete_totpdevice") and actor.has_perm("otp_static.delete_staticdevice")
    ):
        raise DomainError("not_allowed", "Only an administrator can reset a second factor.")
    with transaction.atomic():
        totp = list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True))
        static = list(StaticDevice.objects.filter(user=user).values_list("pk", flat=True))
        StaticToken.objects.filter(device_id__in=static).delete()
        StaticDevice.objects.filter(pk__in=static).delete()
        TOTPDevice.objects.filter(pk__in=totp).delete()
        audit_record(
            action="staff.mfa_reset",
            obj=user,
            actor=actor,
            before={"totp_devices": len(totp), "static_devices": len(static)},
            after={"totp_devices": 0, "static_devices": 0},
        )
    return len(totp) + len(static)


@dataclass(frozen=True)
class StaffSecondFactor:
    user_id: int
    email: str
    authenticators: int
    backup_codes_left: int

    @property
    def enrolled(self) -> bool:
        return self.authenticators > 0


def staff_second_factors() -> list[StaffSecondFactor]:
    """Every staff member and what second factor they hold (counts only; no secret), in
    two queries."""
    staff = get_user_model().objects.filter(is_staff=True).order_by("email")
    rows = staff.annotate(
        authenticators=Count("totpdevice", filter=Q(totpdevice__confirmed=True), distinct=True),
        codes=Count("staticdevice__token_set", distinct=True),
    ).values_list("pk", "email", "authenticators", "codes")
    return [StaffSecondFactor(pk, email, int(n), int(codes)) for pk, email, n, codes in rows]

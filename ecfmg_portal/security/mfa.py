"""Staff two-factor authentication (TOTP, django-otp).

Every staff account must hold a confirmed device before any admin page opens
(``ecfmg_portal.admin_site.PortalAdminSite``). A new staff member signs in with
their password once and enrols an authenticator app on the enrolment page; from
then on the admin login asks for password and code together.
"""

from __future__ import annotations

import secrets
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
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

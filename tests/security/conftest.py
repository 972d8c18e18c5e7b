"""Fixtures for the security tests: staff with and without a verified second factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axes.utils import reset
from django.contrib.auth.models import Permission
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from applicants.models import User

STAFF_PASSWORD = "Staff-passphrase-2026!"


@pytest.fixture
def make_staff(db) -> Callable[..., User]:
    def make(
        email: str = "staff@ecfmg.test", *, superuser: bool = False, perms: tuple[str, ...] = ()
    ) -> User:
        user = User.objects.create_user(email=email, password=STAFF_PASSWORD, is_staff=True)
        if superuser:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        for perm in perms:
            app_label, codename = perm.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return user

    return make


def verified_client(user: Any) -> Client:
    """A client signed in as ``user`` whose session is verified by a confirmed TOTP device."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def axes_reset(db):
    reset()
    yield
    reset()

"""Fixtures for the staff workbench tests: a small population and verified staff clients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from applicants.models import User

from .workbench_data import Round, populate, staff


def verified(user: User) -> Client:
    """Signed in and verified by a TOTP device, as ``django_otp.login`` leaves the session."""
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
def work(db: Any, django_capture_on_commit_callbacks: Any) -> Round:
    staff()
    with django_capture_on_commit_callbacks(execute=True):
        return populate("101")


@pytest.fixture
def staff_client(work: Round) -> Callable[[str], Client]:
    def make(email: str) -> Client:
        return verified(User.objects.get(email=email))

    return make

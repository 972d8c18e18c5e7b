from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from applicants.models import User
from applicants.tests.factories import ApplicantFactory
from verification.models import Organization

from .factories import OrganizationFactory, issue_key


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def board():
    return OrganizationFactory(name="Texas Medical Board", kind=Organization.Kind.LICENSING_AUTHORITY)


@pytest.fixture
def board_key(board):
    return issue_key(board)[1]


@pytest.fixture
def hospital_key():
    return issue_key(name="General Hospital", kind=Organization.Kind.HOSPITAL)[1]


@pytest.fixture
def feed_key():
    return issue_key(name="USMLE results", kind=Organization.Kind.RESULTS_FEED)[1]


@pytest.fixture
def nunez(db):
    """An applicant whose name has accents, as on the diploma."""
    return ApplicantFactory(
        given_names="María José",
        last_name="Núñez",
        date_of_birth=datetime.date(1990, 3, 14),
    )


def auth(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


@pytest.fixture
def staff_client(db):
    """A superuser who has passed the second factor (the admin requires it)."""
    user = User.objects.create_superuser(email="staff@ecfmg.test", password="a-long-admin-password-1")
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client

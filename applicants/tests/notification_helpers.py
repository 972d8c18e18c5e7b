"""Shared set-up for the applicant-notification tests."""

from __future__ import annotations

from applicants.models import User


def staff() -> User:
    return User.objects.create_user(email="reviewer@ecfmg.test", password="x-Staff-2026!", is_staff=True)

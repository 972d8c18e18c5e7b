"""manage.py issue_api_key per api.md: creates the organization if needed, key alone on the last line."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from verification.models import ApiKey, Organization
from verification.services.keys import api_key_authenticate

pytestmark = pytest.mark.django_db


def run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("issue_api_key", *args, stdout=out)
    return out.getvalue().splitlines()


def test_it_creates_the_organization_and_prints_a_working_key_last():
    lines = run("--organization", "Ohio State Medical Board", "--kind", "licensing_authority")
    organization = Organization.objects.get(name="Ohio State Medical Board")
    assert organization.kind == "licensing_authority"
    key = lines[-1]
    assert key.strip() == key and " " not in key and len(key) >= 43
    assert api_key_authenticate(raw_key=key).organization == organization
    assert key not in "\n".join(lines[:-1])  # shown once, alone


def test_a_second_key_for_an_existing_organization_reuses_it():
    first = run("--organization", "USMLE feed", "--kind", "results_feed")[-1]
    second = run("--organization", "USMLE feed", "--kind", "results_feed")[-1]
    assert first != second
    assert Organization.objects.count() == 1
    assert ApiKey.objects.count() == 2


def test_an_existing_organization_of_another_kind_is_refused():
    run("--organization", "St. Mary Hospital", "--kind", "hospital")
    with pytest.raises(CommandError, match="exists with kind hospital"):
        run("--organization", "St. Mary Hospital", "--kind", "results_feed")
    assert ApiKey.objects.count() == 1


def test_an_unknown_kind_is_refused():
    with pytest.raises(CommandError):
        run("--organization", "X", "--kind", "bank")

"""Staff groups: each role gets what it needs and nothing that defeats another control."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from applicants.services.staff import (
    ADMINISTRATOR,
    CERTIFICATE_OFFICER,
    EXAMS_CLERK,
    FINANCE,
    REVIEWER,
    staff_groups_sync,
)

pytestmark = pytest.mark.django_db


def codes(group: str) -> set[str]:
    return set(Group.objects.get(name=group).permissions.values_list("content_type__app_label", "codename"))


def test_groups_are_created_with_their_permissions_and_sync_is_idempotent() -> None:
    first = staff_groups_sync()
    assert staff_groups_sync() == first
    assert ("applicants", "add_ledgerentry") in codes(FINANCE)
    assert ("exams", "add_examresult") in codes(EXAMS_CLERK)
    assert ("certificates", "revoke_certificate") in codes(CERTIFICATE_OFFICER)
    assert ("credentials", "change_document") in codes(REVIEWER)


@pytest.mark.parametrize("group", [REVIEWER, FINANCE, EXAMS_CLERK, CERTIFICATE_OFFICER, ADMINISTRATOR])
def test_no_group_may_add_a_second_factor_for_someone_else(group: str) -> None:
    staff_groups_sync()
    assert not {c for c in codes(group) if c[0].startswith("otp_") and c[1].startswith(("add_", "change_"))}


@pytest.mark.parametrize("group", [REVIEWER, FINANCE, EXAMS_CLERK, CERTIFICATE_OFFICER, ADMINISTRATOR])
def test_no_group_may_edit_or_delete_ledger_or_audit_entries(group: str) -> None:
    staff_groups_sync()
    forbidden = {
        ("applicants", "change_ledgerentry"),
        ("applicants", "delete_ledgerentry"),
        ("audit", "change_auditentry"),
        ("audit", "delete_auditentry"),
    }
    assert not codes(group) & forbidden


def test_only_certificate_officers_revoke() -> None:
    staff_groups_sync()
    holders = {
        g
        for g in (REVIEWER, FINANCE, EXAMS_CLERK, CERTIFICATE_OFFICER)
        if ("certificates", "revoke_certificate") in codes(g)
    }
    assert holders == {CERTIFICATE_OFFICER}

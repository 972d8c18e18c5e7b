"""Finance staff record payments, refunds and adjustments; nobody edits or deletes entries."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

import applicants.payments.admin  # noqa: F401  (registers the admins before the URLconf is built)
from applicants.models import LedgerEntry
from applicants.payments.services import ledger_record_by_staff
from applicants.services.ledger import ledger_balance
from applicants.services.staff import FINANCE, REVIEWER, staff_groups_sync
from applicants.tests.factories import UserFactory
from applicants.tests.payment_helpers import applicant_owing
from ecfmg_portal.errors import DomainError

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/applicants/ledgerentry/add/"


def staff_member(group: str):
    staff_groups_sync()
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def admin_login(client, user) -> None:
    """Signed in and verified by a second factor, as the admin requires."""
    client.force_login(user)
    device = StaticDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.mark.parametrize(
    ("kind", "amount", "balance"),
    [
        ("payment", "400.00", "600.00"),
        ("refund", "50.00", "1050.00"),
        ("adjustment", "-100.00", "900.00"),
        ("adjustment", "5.00", "1005.00"),
    ],
)
def test_finance_records_entries_that_move_the_balance(kind: str, amount: str, balance: str) -> None:
    applicant = applicant_owing("1000.00")
    clerk = staff_member(FINANCE)

    entry = ledger_record_by_staff(
        applicant=applicant, kind=kind, amount=Decimal(amount), description="Bank transfer", actor=clerk
    )

    assert entry.created_by == clerk
    assert ledger_balance(applicant=applicant) == Decimal(balance)


@pytest.mark.parametrize(
    ("group", "kind", "description", "code"),
    [
        (REVIEWER, "payment", "Bank transfer", "forbidden"),
        (FINANCE, "charge", "Extra fee", "invalid_kind"),
        (FINANCE, "payment", "   ", "description_required"),
    ],
)
def test_staff_entries_are_refused_without_permission_or_sense(group, kind, description, code) -> None:
    applicant = applicant_owing("1000.00")
    with pytest.raises(DomainError) as refused:
        ledger_record_by_staff(
            applicant=applicant,
            kind=kind,
            amount=Decimal("10.00"),
            description=description,
            actor=staff_member(group),
        )
    assert refused.value.code == code
    assert ledger_balance(applicant=applicant) == Decimal("1000.00")


def test_the_admin_add_form_records_a_credit_through_the_service(client) -> None:
    applicant = applicant_owing("1000.00")
    clerk = staff_member(FINANCE)
    admin_login(client, clerk)
    form = client.get(ADD_URL)
    assert form.status_code == 200
    token = form.context["adminform"].form["submission"].value()
    data = {
        "applicant": applicant.pk,
        "entry_type": "adjustment_credit",
        "amount_usd": "250.00",
        "description": "Fee waiver approved by the board",
        "submission": token,
    }

    response = client.post(ADD_URL, data)
    again = client.post(ADD_URL, data)  # a double click

    assert response.status_code == 302
    assert again.status_code == 302
    entry = LedgerEntry.objects.get(kind="adjustment")
    assert (entry.amount, entry.created_by, entry.reference) == (Decimal("-250.00"), clerk, f"staff:{token}")
    assert ledger_balance(applicant=applicant) == Decimal("750.00")


def test_the_admin_refuses_a_negative_amount(client) -> None:
    applicant = applicant_owing("1000.00")
    admin_login(client, staff_member(FINANCE))
    response = client.post(
        ADD_URL,
        {
            "applicant": applicant.pk,
            "entry_type": "payment",
            "amount_usd": "-5",
            "description": "x",
            "submission": uuid.uuid4().hex,
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert ledger_balance(applicant=applicant) == Decimal("1000.00")


def test_other_staff_cannot_add_and_nobody_can_change_or_delete(client) -> None:
    applicant = applicant_owing("1000.00")
    entry = LedgerEntry.objects.get(applicant=applicant)
    admin_login(client, staff_member(REVIEWER))
    assert client.get(ADD_URL).status_code == 403

    superuser = UserFactory(is_staff=True, is_superuser=True)
    admin_login(client, superuser)
    change = client.get(f"/admin/applicants/ledgerentry/{entry.pk}/change/")
    assert change.status_code == 200
    assert b'name="_save"' not in change.content  # read-only view
    assert client.post(f"/admin/applicants/ledgerentry/{entry.pk}/change/", {}).status_code == 403
    assert (
        client.post(f"/admin/applicants/ledgerentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert LedgerEntry.objects.filter(pk=entry.pk, amount=Decimal("1000.00")).exists()


def test_the_changelist_query_count_does_not_grow_with_entries(client) -> None:
    admin_login(client, staff_member(FINANCE))

    def queries_for_changelist() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/applicants/ledgerentry/").status_code == 200
        return len(captured)

    applicant_owing("10.00")
    few = queries_for_changelist()
    for _ in range(20):
        applicant_owing("10.00")
    assert queries_for_changelist() == few

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from applicants.models import Applicant, IdentityChangeRequest, User
from applicants.services.profile import (
    IDENTITY_FIELDS,
    applicant_update_identity,
    identity_change_request_create,
    identity_change_request_decide,
)
from applicants.tests.factories import UserFactory
from applicants.tests.portal_helpers import logged_in, make_applicant
from credentials.tests.factories import SchoolFactory
from ecfmg_portal.audit.models import AuditEntry
from ecfmg_portal.errors import Conflict, DomainError

pytestmark = pytest.mark.django_db


def _values(applicant: Applicant, **changes: Any) -> dict[str, Any]:
    values = {field: getattr(applicant, field) for field in IDENTITY_FIELDS}
    values.update(changes)
    return values


def _staff() -> User:
    user: User = UserFactory(is_staff=True)  # type: ignore[assignment]
    return user


def test_locked_fields_are_refused_once_the_id_is_issued() -> None:
    applicant = make_applicant()
    with pytest.raises(DomainError) as refused:
        applicant_update_identity(applicant=applicant, values=_values(applicant, last_name="Other"))
    assert refused.value.code == "identity_locked" and refused.value.field == "last_name"
    assert "correction request" in refused.value.message


def test_years_of_credit_stay_editable_after_the_id() -> None:
    applicant = make_applicant(academic_years=3)
    saved = applicant_update_identity(applicant=applicant, values=_values(applicant, academic_years=5))
    assert saved.academic_years == 5
    entry = AuditEntry.objects.filter(action="applicant.identity_updated").get()
    # The trail names the fields, never their (personal) values.
    assert entry.after == {"fields": ["academic_years"]}


def test_the_page_shows_locked_fields_disabled_and_ignores_posted_values(client: Client) -> None:
    applicant = make_applicant(academic_years=5)
    logged_in(client, applicant)
    page = client.get(reverse("identity")).content.decode()
    assert 'name="last_name"' in page and "disabled" in page
    data = {"last_name": "Hacked", "academic_years": "6", "transfer_years": "0", "transfer_school": ""}
    client.post(reverse("identity"), data)
    applicant.refresh_from_db()
    assert applicant.last_name != "Hacked" and applicant.academic_years == 6


def test_a_change_request_records_only_real_changes_and_one_at_a_time() -> None:
    applicant = make_applicant()
    request = identity_change_request_create(
        applicant=applicant,
        changes={"last_name": "Sharma-Rao", "given_names": applicant.given_names},
        reason="My diploma says Sharma-Rao.",
    )
    assert request.changes == {"last_name": "Sharma-Rao"}
    with pytest.raises(Conflict):
        identity_change_request_create(applicant=applicant, changes={"country": "NP"}, reason="Typo.")


@pytest.mark.parametrize(
    ("changes", "reason", "code"),
    [
        ({"last_name": "Rao"}, "  ", "reason_required"),
        ({"academic_years": 6}, "More years.", "identity_invalid"),
        ({"date_of_birth": datetime.date(2024, 1, 1)}, "Typo.", "identity_invalid"),
    ],
)
def test_a_change_request_is_checked_like_the_form(changes: dict[str, Any], reason: str, code: str) -> None:
    applicant = make_applicant()
    with pytest.raises(DomainError) as refused:
        identity_change_request_create(applicant=applicant, changes=changes, reason=reason)
    assert refused.value.code == code


def test_approving_applies_the_change_and_keeps_the_id() -> None:
    applicant = make_applicant()
    number = applicant.usmle_id
    request = identity_change_request_create(
        applicant=applicant,
        changes={"last_name": "Núñez", "date_of_birth": datetime.date(1994, 1, 2)},
        reason="x",
    )
    identity_change_request_decide(change_request=request, approve=True, actor=_staff())
    applicant.refresh_from_db()
    assert (applicant.last_name, applicant.last_name_folded) == ("Núñez", "nunez")
    assert applicant.date_of_birth == datetime.date(1994, 1, 2)
    assert applicant.usmle_id == number
    request.refresh_from_db()
    assert request.status == IdentityChangeRequest.Status.APPROVED and request.decided_at


def test_declining_leaves_the_applicant_unchanged_and_explains() -> None:
    applicant = make_applicant()
    before = applicant.last_name
    request = identity_change_request_create(applicant=applicant, changes={"last_name": "X"}, reason="x")
    identity_change_request_decide(change_request=request, approve=False, actor=_staff())
    applicant.refresh_from_db()
    request.refresh_from_db()
    assert applicant.last_name == before
    assert request.status == IdentityChangeRequest.Status.DECLINED and request.decision_note


def test_a_request_is_decided_only_once() -> None:
    applicant = make_applicant()
    request = identity_change_request_create(applicant=applicant, changes={"last_name": "Rao"}, reason="x")
    identity_change_request_decide(change_request=request, approve=False, actor=_staff(), note="No proof.")
    with pytest.raises(Conflict):
        identity_change_request_decide(change_request=request, approve=True, actor=_staff())
    applicant.refresh_from_db()
    assert applicant.last_name != "Rao"


def test_the_correction_form_sends_a_request(client: Client) -> None:
    applicant = make_applicant()
    school = SchoolFactory(name="Grant Government Medical College")
    page = logged_in(client, applicant).get(reverse("identity"), {"correction_q": "grant government"})
    assert f'value="{school.pk}"' in page.content.decode()
    logged_in(client, applicant)
    response = client.post(
        reverse("identity_change_request"),
        {"correction-last_name": "Rao", "correction-school": school.pk, "correction-reason": "Spelling."},
    )
    assert response.status_code == 302
    assert applicant.change_requests.get().changes == {"last_name": "Rao", "school": school.pk}


def test_the_correction_form_needs_at_least_one_change(client: Client) -> None:
    applicant = make_applicant()
    response = logged_in(client, applicant).post(
        reverse("identity_change_request"), {"correction-reason": "Typo."}
    )
    assert response.status_code == 200
    assert "at least one detail" in response.content.decode()


def test_an_approved_correction_announces_a_status_change() -> None:
    """ERAS status reports print the name as on the diploma: a correction must reach them."""
    applicant = make_applicant()
    request = identity_change_request_create(applicant=applicant, changes={"last_name": "Núñez"}, reason="x")
    with mock.patch("applicants.services.profile.applicant_status_changed") as announce:
        identity_change_request_decide(change_request=request, approve=True, actor=_staff())
    announce.assert_called_once_with(applicant_id=applicant.pk, cause="identity.corrected")

"""One-page reviews: the file beside the identity, every decision on the page, a visible
claim so two reviewers never work the same item, and "save and go to the next"."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applicants.models import IdentityChangeRequest, User
from certificates.models import Certificate
from credentials.models import Document, ReasonTemplate, SchoolVerificationRequest
from ecfmg_portal.errors import Conflict
from ecfmg_portal.workbench.claims import claim_require, claim_take
from ecfmg_portal.workbench.models import Claim
from ecfmg_portal.workbench.registry import queue_get

from .workbench_data import populate

pytestmark = pytest.mark.django_db


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _change(model: str, pk: int) -> str:
    return reverse(f"admin:{model}_change", args=[pk])


def test_two_reviewers_opening_the_same_item_one_holds_it(work):
    first, second = _user("reviewer@ecfmg.test"), _user("reviewer2@ecfmg.test")
    mine = claim_take(queue="document", object_id=work.diploma.pk, user=first)
    theirs = claim_take(queue="document", object_id=work.diploma.pk, user=second)
    assert mine.mine and not theirs.mine
    assert theirs.holder_id == first.pk
    with pytest.raises(Conflict):
        claim_require(queue="document", object_id=work.diploma.pk, user=second)
    assert Claim.objects.filter(object_id=work.diploma.pk).count() == 1


def test_an_expired_claim_is_taken_over_by_a_conditional_update(work):
    first, second = _user("reviewer@ecfmg.test"), _user("reviewer2@ecfmg.test")
    claim_take(queue="document", object_id=work.diploma.pk, user=first)
    Claim.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert claim_take(queue="document", object_id=work.diploma.pk, user=second).mine


def test_document_page_shows_pages_identity_and_the_claim(staff_client, work):
    response = staff_client("reviewer@ecfmg.test").get(_change("credentials_document", work.diploma.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Núñez" in html and "María" in html and 'data-testid="identity"' in html
    assert "Language of the document" in html
    assert html.count(f"/admin/credentials/document/{work.diploma.pk}/page/") >= 4  # 2 pages: link + img each
    assert "You are working on this item until" in html
    assert "Accept and send to the school" in html and "Reject" in html
    page = staff_client("reviewer@ecfmg.test").get(
        reverse("admin:credentials_document_page", args=[work.diploma.pk, 1])
    )
    assert page.status_code == 200 and page["Content-Type"] == "image/png"
    assert page.content.startswith(b"\x89PNG")


def test_a_colleague_sees_who_holds_the_document_and_cannot_decide(staff_client, work):
    url = _change("credentials_document", work.diploma.pk)
    staff_client("reviewer@ecfmg.test").get(url)
    other = staff_client("reviewer2@ecfmg.test")
    html = other.get(url).content.decode()
    assert "reviewer@ecfmg.test is working on this item" in html
    assert 'data-testid="decision-form"' not in html
    other.post(url, {"decision": "send"})
    assert Document.objects.get(pk=work.diploma.pk).status == Document.Status.RECEIVED


def test_accept_and_send_then_go_to_the_next_in_the_queue(
    staff_client, work, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        following = populate("102").diploma
    client = staff_client("reviewer@ecfmg.test")
    url = _change("credentials_document", work.diploma.pk)
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "send", "_next": "1"})
    assert response.status_code == 302
    assert response["Location"] == _change("credentials_document", following.pk)
    assert Document.objects.get(pk=work.diploma.pk).status == Document.Status.SENT_FOR_VERIFICATION
    assert SchoolVerificationRequest.objects.filter(diploma=work.diploma).exists()
    assert not Claim.objects.filter(queue="document", object_id=work.diploma.pk).exists()


def test_reject_with_a_reason_template_or_own_words(staff_client, work):
    template = ReasonTemplate.objects.get(title="Signatures missing")
    client = staff_client("reviewer@ecfmg.test")
    url = _change("credentials_document", work.translation.pk)
    client.get(url)
    refused = client.post(url, {"decision": "rejected"})
    assert refused.status_code == 200 and "Choose a reason or write one" in refused.content.decode()
    client.post(url, {"decision": "rejected", "template": template.pk})
    translation = Document.objects.get(pk=work.translation.pk)
    assert translation.status == Document.Status.REJECTED
    assert translation.status_reason == template.text


def test_school_answer_accepted_on_its_page_verifies_the_diploma(staff_client, work):
    client = staff_client("reviewer@ecfmg.test")
    url = _change("credentials_schoolanswerreview", work.answered.pk)
    html = client.get(url).content.decode()
    assert "El-Sayed" in html and 'data-testid="answer"' in html
    assert queue_get("school_answers").stats().count == 1
    response = client.post(url, {"accept": "1", "_next": "1"})
    assert response.status_code == 302
    assert Document.objects.get(pk=work.answered.diploma_id).status == Document.Status.VERIFIED
    assert queue_get("school_answers").stats().count == 0


def test_identity_correction_shows_current_beside_requested_and_is_approved_on_the_page(staff_client, work):
    client = staff_client("reviewer@ecfmg.test")
    url = _change("applicants_identitychangerequest", work.correction.pk)
    html = client.get(url).content.decode()
    assert 'data-testid="compare"' in html and ">Li<" in html and "Li Na" in html
    client.post(url, {"approve": "1", "note": ""})
    work.correction.refresh_from_db()
    assert work.correction.status == IdentityChangeRequest.Status.APPROVED
    assert (
        work.correction.applicant.__class__.objects.get(pk=work.correction.applicant_id).given_names
        == "Li Na"
    )


def test_certificate_revoked_with_a_reason_on_its_page(
    staff_client, work, django_capture_on_commit_callbacks
):
    client = staff_client("certificates@ecfmg.test")
    url = _change("certificates_certificate", work.certificate.pk)
    assert 'data-testid="revoke-form"' in client.get(url).content.decode()
    assert queue_get("certificates_recent").stats().count == 1
    with django_capture_on_commit_callbacks(execute=False):
        client.post(url, {"revoke": "1", "reason": "Diploma found forged after issue."})
    certificate = Certificate.objects.get(pk=work.certificate.pk)
    assert certificate.is_revoked and certificate.revocation_reason == "Diploma found forged after issue."
    assert queue_get("certificates_recent").stats().count == 0


def test_reviewer_may_not_revoke(staff_client, work):
    response = staff_client("reviewer@ecfmg.test").post(
        _change("certificates_certificate", work.certificate.pk), {"revoke": "1", "reason": "x"}
    )
    assert response.status_code == 403
    assert not Certificate.objects.get(pk=work.certificate.pk).is_revoked


REVIEW_PAGES = (
    ("reviewer@ecfmg.test", "credentials_document", "diploma"),
    ("reviewer@ecfmg.test", "credentials_schoolanswerreview", "answered"),
    ("reviewer@ecfmg.test", "applicants_identitychangerequest", "correction"),
    ("certificates@ecfmg.test", "certificates_certificate", "certificate"),
)


def _counts(staff_client: Any, work: Any) -> dict[str, int]:
    counts = {}
    for email, model, attribute in REVIEW_PAGES:
        client = staff_client(email)
        url = _change(model, getattr(work, attribute).pk)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[model] = len(queries)
    applicant = work.diploma.applicant
    client = staff_client("reviewer@ecfmg.test")
    url = _change("applicants_applicant", applicant.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    counts["applicant file"] = len(queries)
    return counts


def test_review_pages_and_the_file_run_a_fixed_number_of_queries(
    staff_client, work, django_capture_on_commit_callbacks
):
    small = _counts(staff_client, work)
    with django_capture_on_commit_callbacks(execute=True):
        for tag in ("102", "103", "104"):
            populate(tag)
    # More history on the same applicant's file, too.
    from applicants.services.notes import staff_note_add

    for n in range(3):
        staff_note_add(
            applicant=work.diploma.applicant, text=f"note {n}", author=_user("reviewer@ecfmg.test")
        )
    assert _counts(staff_client, work) == small

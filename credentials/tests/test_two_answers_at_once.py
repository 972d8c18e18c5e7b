"""Two answers posted at the same moment through one link: exactly one counts (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from credentials.models import Document, SchoolVerificationRequest
from credentials.services.school_verification import (
    LinkGone,
    school_verification_answer,
    school_verification_request,
)
from credentials.tests.school_support import diploma_for, staff_user, transcript_upload
from tests.support.celery_worker import skip_or_fail


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_only_one_of_two_simultaneous_answers_is_recorded():
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL for real concurrent transactions (set DATABASE_URL)")
    verification = school_verification_request(document=diploma_for(), actor=staff_user())
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(kind: str) -> None:
        try:
            start.wait()
            school_verification_answer(
                verification=verification,
                answer=kind,
                official_name=f"Official {kind}",
                official_title="Registrar",
                comment="",
                transcript=transcript_upload() if kind == "authentic" else None,
            )
            outcomes.append("recorded")
        except LinkGone:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(kind,)) for kind in ("authentic", "not_authentic")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["recorded", "refused"]
    verification.refresh_from_db()
    assert verification.status == SchoolVerificationRequest.Status.ANSWERED
    # The stored answer and the transcript belong together: the winner's, never a mix.
    has_transcript = Document.objects.filter(kind=Document.Kind.FINAL_TRANSCRIPT).exists()
    assert has_transcript == (verification.answer == "authentic")
    assert verification.official_name == f"Official {verification.answer}"

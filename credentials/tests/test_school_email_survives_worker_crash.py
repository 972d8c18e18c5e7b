"""A worker killed in the middle of sending: after a restart exactly one e-mail went out.

The worker pauses between claiming the e-mail and handing it to the mail backend
(``SCHOOL_VERIFICATION_SEND_PAUSE_SECONDS``, a test hook), and is SIGKILLed there.
The message was not acknowledged (acks_late), so Redis gives it to the next worker
once its visibility timeout passes; that worker finds the claim stale (its owner is
dead) and sends. The timings keep the production invariant: the stale period and the
visibility timeout are both longer than one send.
"""

from __future__ import annotations

import time

import pytest

from credentials.models import VerificationEmail
from credentials.services.school_verification import school_verification_request
from credentials.tests.school_support import diploma_for, staff_user

PAUSE = 4


@pytest.fixture
def celery_worker_env() -> dict[str, str]:
    return {
        "SCHOOL_VERIFICATION_SEND_PAUSE_SECONDS": str(PAUSE),
        "SCHOOL_VERIFICATION_SENDING_STALE_SECONDS": "8",
        "CELERY_VISIBILITY_TIMEOUT": "10",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    }


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_sending_loses_nothing_and_sends_nothing_twice(celery_worker):
    verification = school_verification_request(document=diploma_for(), actor=staff_user())
    school_email = VerificationEmail.objects.get(request=verification, step="request")

    # The worker claims the school's e-mail and pauses before sending: kill it there.
    celery_worker.wait_for(
        lambda: VerificationEmail.objects.filter(pk=school_email.pk, status="sending").exists(),
        timeout=60,
        what="the worker to claim the e-mail",
    )
    celery_worker.kill()
    assert [m for m in celery_worker.sent_messages() if m["To"] == verification.contact_email] == []
    school_email.refresh_from_db()
    assert (school_email.status, school_email.attempts) == ("sending", 1)

    celery_worker.start()
    celery_worker.wait_for(
        lambda: VerificationEmail.objects.filter(request=verification, status="sent").count() == 2,
        timeout=90,
        what="the redelivered e-mail to be sent by the new worker",
    )
    # Give a duplicate every chance to show up before counting.
    time.sleep(PAUSE + 3)
    recipients = [m["To"] for m in celery_worker.sent_messages()]
    assert recipients.count(verification.contact_email) == 1
    assert recipients.count(verification.applicant.user.email) == 1
    school_email.refresh_from_db()
    assert (school_email.status, school_email.attempts) == ("sent", 2)

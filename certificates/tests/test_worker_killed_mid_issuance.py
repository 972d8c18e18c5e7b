"""A worker killed in the middle of issuing: after a restart there is one certificate,
one number, a rendered PDF and one e-mail.

The exam result that completes the requirements is recorded; the worker issues
the certificate and starts rendering it (the first render in a fresh worker
process loads the fonts), and is SIGKILLed as soon as it takes the render. The render
task was not acknowledged (acks_late), so Redis gives it to the next worker.
"""

from __future__ import annotations

import datetime
import re
import time

import pytest

from certificates.models import Certificate
from certificates.tests.factories import applicant_with
from exams.models import Exam
from exams.services import exam_result_record
from exams.tests.factories import sitting_for

from .test_issued_by_a_real_worker import certificate_mails

RENDER_RECEIVED = r"certificates\.tasks\.render_certificate_pdf\[[^\]]+\] received"


@pytest.fixture
def celery_worker_env() -> dict[str, str]:
    return {
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    }


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_issuing_loses_nothing_and_duplicates_nothing(celery_worker):
    applicant = applicant_with(exams=(Exam.STEP1, Exam.STEP2CK))
    sitting_for(applicant, Exam.STEP2CS, datetime.date(2026, 2, 3))
    exam_result_record(
        applicant=applicant,
        exam=Exam.STEP2CS,
        test_date=datetime.date(2026, 2, 3),
        outcome="pass",
        score=None,
    )
    celery_worker.wait_for(
        lambda: re.search(RENDER_RECEIVED, celery_worker.log()),
        timeout=60,
        what="the worker to start rendering",
    )
    celery_worker.kill()
    certificate = Certificate.objects.get(applicant=applicant)
    number = certificate.number

    celery_worker.start()
    celery_worker.wait_for(
        lambda: Certificate.objects.filter(applicant=applicant, pdf_rendered_at__isnull=False).exists(),
        timeout=90,
        what="the redelivered render",
    )
    celery_worker.wait_for(lambda: len(certificate_mails(celery_worker)) == 1, timeout=30, what="the e-mail")
    time.sleep(3)  # give a duplicate every chance to show up before counting
    assert Certificate.objects.filter(applicant=applicant).count() == 1
    certificate.refresh_from_db()
    assert certificate.number == number and certificate.pdf
    assert len(certificate_mails(celery_worker)) == 1

"""End to end with a real Celery worker, Redis and PostgreSQL: the exam result that
completes the requirements leads, through the broker, to one certificate, its PDF
and one e-mail, also when the evaluation is delivered again."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from certificates.models import Certificate
from certificates.tasks import evaluate_certification
from certificates.tests.factories import applicant_with
from exams.models import Exam
from exams.services import exam_result_record
from exams.tests.factories import sitting_for

EVALUATED = "Task certificates.tasks.evaluate_certification"


def succeeded(log: str, task: str) -> int:
    return sum(1 for line in log.splitlines() if task in line and "succeeded" in line)


def certificate_mails(worker) -> list:
    """The certificate e-mails only: the exam result also sends its own notification."""
    return [m for m in worker.sent_messages() if "Certificate has been issued" in str(m["Subject"])]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_issues_renders_and_emails_once(celery_worker):
    applicant = applicant_with(exams=(Exam.STEP1, Exam.STEP2CK))
    sitting_for(applicant, Exam.STEP2CS, datetime.date(2026, 2, 3))
    exam_result_record(
        applicant=applicant,
        exam=Exam.STEP2CS,
        test_date=datetime.date(2026, 2, 3),
        outcome="pass",
        score=None,
    )

    certificate = celery_worker.wait_for(
        lambda: Certificate.objects.filter(applicant=applicant, pdf_rendered_at__isnull=False).first(),
        timeout=90,
        what="the rendered certificate",
    )
    with default_storage.open(certificate.pdf.name, "rb") as handle:
        text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    assert certificate.number in text
    assert applicant.usmle_id in text
    celery_worker.wait_for(lambda: len(certificate_mails(celery_worker)) == 1, what="the e-mail")

    # The same evaluation delivered again: nothing new.
    evaluate_certification.delay(applicant.pk)
    celery_worker.wait_for(
        lambda: succeeded(celery_worker.log(), EVALUATED) >= 2, what="the second evaluation"
    )
    assert Certificate.objects.filter(applicant=applicant).count() == 1
    assert len(certificate_mails(celery_worker)) == 1

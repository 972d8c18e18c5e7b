"""Applying for an exam in Chromium at phone width (issue 12 item 7): the fee and the
eligibility period shown before confirming, the scheduling permit (page and PDF)
after, a passed Step reading as passed, and the next step naming the deadline."""

from __future__ import annotations

import datetime
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from applicants.tests.portal_helpers import make_student
from exams.models import ExamApplication
from exams.tests.factories import ExamResultFactory

from .conftest import SCREENSHOTS, Site
from .test_applicant_journeys import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_a_student_confirms_the_fee_and_period_then_gets_the_scheduling_permit(
    page: Any, site: Site, tmp_path: Path
) -> None:
    student = make_student(
        graduation_date=timezone.localdate() + datetime.timedelta(days=120), user__email="kofi@example.com"
    )
    ExamResultFactory(applicant=student, exam="STEP2CS", outcome="pass", score=None)
    _log_in(page, site, "kofi@example.com")
    page.goto(site.at("/exams/"))
    assert "Passed on 1 June 2025" in page.inner_text("[data-testid=step-STEP2CS]")
    assert "cannot apply" not in page.inner_text("main").lower()

    # Apply: a link to the confirmation; nothing charged yet.
    page.get_by_role("link", name="Apply for USMLE Step 1").click()
    page.wait_for_url(re.compile(r"/exams/apply/confirm/\?exam=STEP1$"))
    today = timezone.localdate()
    confirm = page.inner_text("[data-testid=exam-confirm]")
    assert "$1,000.00" in confirm and _day(today) in confirm
    assert not ExamApplication.objects.filter(applicant=student).exists()
    site.screenshot(page, "exam-confirm")

    page.get_by_role("button", name="Apply and add $1,000.00 to my balance").click()
    page.wait_for_url(re.compile(r"/exams/\d+/permit/$"))
    application = ExamApplication.objects.get(applicant=student)
    permit = page.inner_text("[data-testid=permit]")
    assert application.scheduling_number in permit
    assert f"{_day(application.eligibility_start)} to {_day(application.eligibility_end)}" in permit
    assert "What to do next" in permit
    site.screenshot(page, "permit")
    [charged] = mail.outbox
    assert "$1,000.00" in charged.subject

    # The PDF, rendered to an image to look at.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the permit as a PDF").click()
    pdf = tmp_path / "permit.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(tmp_path / "permit-pdf")], check=True
    )
    assert (tmp_path / "permit-pdf.png").stat().st_size > 0
    if SCREENSHOTS.is_dir():
        (SCREENSHOTS / "permit-pdf.png").write_bytes((tmp_path / "permit-pdf.png").read_bytes())

    # The exams page now names the deadline as the next step, with the permit a link away.
    page.goto(site.at("/exams/"))
    step = page.inner_text("[data-testid=step-STEP1]")
    assert f"schedule your test date before {_day(application.eligibility_end)}" in step
    assert "(1 of 4 attempts used)" in step
    next_step = page.inner_text("[data-testid=journey-next]")
    assert f"before {_day(application.eligibility_end)}" in next_step
    site.screenshot(page, "exams")
    page.get_by_test_id("journey-next-link").click()
    page.wait_for_url(re.compile(rf"/exams/{application.pk}/permit/$"))

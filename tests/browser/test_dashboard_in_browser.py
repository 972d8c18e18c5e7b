"""The dashboard of a certified applicant in Chromium, used by keyboard on a phone."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone

from applicants.tests.portal_helpers import PASSWORD, make_graduate
from certificates.models import Certificate
from credentials.models import Document
from credentials.tests.factories import DocumentFactory
from exams.models import Exam
from exams.tests.factories import ExamResultFactory

from .conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_certified_applicant_sees_every_requirement_met_and_the_certificate(page: Any, site: Site) -> None:
    applicant = make_graduate(user__email="certified@example.com", given_names="Priya", last_name="Sharma")
    DocumentFactory(applicant=applicant, status=Document.Status.VERIFIED, reviewed_at=timezone.now())
    DocumentFactory(applicant=applicant, kind="final_transcript", source=Document.Source.SCHOOL)
    for exam in Exam:
        ExamResultFactory(applicant=applicant, exam=exam, test_date=datetime.date(2025, 6, 1))
    Certificate.objects.create(
        applicant=applicant,
        number="EC-0012345",
        verification_code="c" * 32,
        exam_requirements_met_on=datetime.date(2025, 6, 1),
        issued_on=timezone.localdate(),
        pdf="certificates/rendered.pdf",  # the worker has rendered it: the download is offered
    )

    # Log in with the keyboard: the skip link is the page's first stop (no autofocus, see
    # test_keyboard_flows.py), so start typing in the e-mail field once it has the focus.
    page.goto(site.at("/login/"))
    page.locator("input[name=username]").focus()
    page.keyboard.type("certified@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/dashboard/$"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"

    checklist = page.locator("[data-testid=checklist] li")
    assert checklist.count() == 10
    assert page.locator("[data-testid=checklist] li.missing").count() == 0
    certificate = page.inner_text("[data-testid=certificate]")
    assert "Certified" in certificate and "EC-0012345" in certificate
    # The journey's next step for a certified holder is the download itself, so the
    # next-step box and the certificate slot offer the same link, to the same PDF.
    links = page.get_by_role("link", name="Download your certificate (PDF)")
    assert links.count() == 2
    assert links.nth(0).get_attribute("href") == links.nth(1).get_attribute("href")
    assert "Download your certificate (PDF)" in page.inner_text("[data-testid=next-steps]")
    page.evaluate("document.activeElement.blur()")  # no focus ring on the skip link in the picture
    site.screenshot(page, "dashboard-complete")

"""End-to-end journeys of the applicant portal in Chromium, on a phone-sized screen.

Paying is added to the graduate's journey by the payments tests (test_payment_journey).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from applicants.models import Applicant
from applicants.tests.portal_helpers import PASSWORD, make_graduate, make_student, pdf_bytes
from credentials.models import Document
from credentials.tests.factories import SchoolFactory
from exams.models import ExamApplication

from .conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EMAIL = "amira.haddad@example.com"
NEW_PASSWORD = "cedar-lantern-orbit-58"


def _pdf(name: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}


def _log_in(page: Any, site: Site, email: str, password: str = PASSWORD) -> None:
    page.goto(site.at("/login/"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))


def _nav(page: Any, name: str) -> None:
    navigation = page.get_by_role("navigation", name="Main")
    toggle = navigation.locator(".nav-toggle")
    if toggle.is_visible():  # on a phone the navigation folds behind "Menu"
        toggle.click()
    navigation.get_by_role("link", name=name, exact=True).click()


def _upload(page: Any, kind: str, language: str, file: dict[str, Any]) -> None:
    page.get_by_label("Which document?").select_option(kind)
    page.get_by_label("Language of the document").select_option(language)
    page.get_by_label("File").set_input_files(file)
    page.get_by_role("button", name="Upload").click()


def test_a_graduate_signs_up_gets_an_id_uploads_the_diploma_and_applies(page: Any, site: Site) -> None:
    school = SchoolFactory(name="Cairo University Faculty of Medicine", city="Cairo", country="EG")
    SchoolFactory(name="Alexandria Faculty of Medicine", city="Alexandria", country="EG")

    # 1. Sign up.
    page.goto(site.at("/signup/"))
    site.screenshot(page, "signup")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    assert "Check your e-mail" in page.inner_text(
        "main"
    )  # the same whether or not the address has an account

    # 2. Confirm the e-mail address with the link that was mailed, then log in.
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    page.goto(site.at(site.link_path(str(mail.outbox[0].body), "/account/confirm/")))
    page.wait_for_url(re.compile(r"/login/"))
    assert "Your e-mail address is confirmed." in page.inner_text("main")
    _log_in(page, site, EMAIL, NEW_PASSWORD)

    # 3. Identity form: search the school (JavaScript fills the list), get the ID.
    page.get_by_role("link", name="Fill in your identity details").click()
    page.get_by_label("Given names").fill("Amira")
    page.get_by_label("Last name (family name)").fill("Haddad")
    page.get_by_label("Date of birth").fill("1996-02-20")
    page.get_by_label("Country of citizenship").select_option("EG")
    page.locator("#id_school_q").fill("cairo")
    page.wait_for_selector(f"#id_school option[value='{school.pk}']", state="attached")
    assert "1 school found" in page.inner_text("#id_school_q_status")
    page.locator("#id_school").select_option(str(school.pk))
    graduated = timezone.localdate() - datetime.timedelta(days=500)
    page.get_by_label("Graduation date").fill(graduated.isoformat())
    page.get_by_label("Academic years of credit at this school").fill("6")
    page.get_by_role("button", name="Continue: check my answers").click()
    page.wait_for_url(re.compile(r"/identity/check/$"))  # check the answers, then confirm
    page.get_by_role("button", name="Confirm and get my USMLE/ECFMG ID").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))
    usmle_id = Applicant.objects.get(user__email=EMAIL).usmle_id
    assert usmle_id and usmle_id in page.inner_text("[data-testid=usmle-id]")

    # 4. Step 1 is refused until the diploma is uploaded (R-ED-4).
    _nav(page, "Exams")
    assert "with your first exam application" in page.inner_text("[data-testid=refusal-STEP1]")

    # 5. Upload the diploma in Arabic, then its English translation.
    _nav(page, "Documents")
    _upload(page, "diploma", "ar", _pdf("diploma.pdf"))
    assert "We received your final medical diploma" in page.inner_text("main")
    _upload(page, "translation", "en", _pdf("translation.pdf"))
    assert "Received" in page.inner_text("[data-testid=kind-translation]")
    assert Document.objects.filter(applicant__usmle_id=usmle_id, status="received").count() == 2

    # 6. Apply for Step 1: the eligibility period opens, the fee is on the balance.
    _nav(page, "Exams")
    page.get_by_role("link", name="Apply for USMLE Step 1").click()  # the fee and period first
    page.get_by_role("button", name="Apply and add $1,000.00 to my balance").click()
    assert "You applied for USMLE Step 1" in page.inner_text("main")
    assert ExamApplication.objects.filter(applicant__usmle_id=usmle_id).count() == 1
    _nav(page, "Dashboard")
    assert "$1,000.00" in page.inner_text("[data-testid=balance]")
    site.screenshot(page, "dashboard-incomplete")


def test_a_student_applies_before_graduating_and_is_told_when_to_send_the_diploma(
    page: Any, site: Site
) -> None:
    graduation = timezone.localdate() + datetime.timedelta(days=120)
    student = make_student(graduation_date=graduation, user__email="student@example.com")
    _log_in(page, site, "student@example.com")
    assert student.usmle_id in page.inner_text("[data-testid=usmle-id]")

    _nav(page, "Exams")
    page.get_by_role("link", name="Apply for USMLE Step 1").click()  # the fee and period first
    page.get_by_role("button", name="Apply and add $1,000.00 to my balance").click()
    assert "You applied for USMLE Step 1" in page.inner_text("main")

    _nav(page, "Documents")
    when = f"{graduation.day} {graduation:%B %Y}"
    assert when in page.inner_text("[data-testid=kind-diploma]")
    # The upload would be refused until graduation, so there is no upload form (issue 12).
    assert page.locator("[data-testid=upload-form]").count() == 0
    assert not Document.objects.filter(applicant=student).exists()


def test_a_renamed_program_is_refused_with_a_clear_message(page: Any, site: Site) -> None:
    make_graduate(user__email="grad@example.com")
    _log_in(page, site, "grad@example.com")
    _nav(page, "Documents")
    program = {"name": "diploma.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" + b"\x00" * 512}
    _upload(page, "diploma", "es", program)
    error = page.inner_text("#id_file_error")
    assert "not a PDF, JPEG, PNG or TIFF (whatever its name says)" in error
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    site.screenshot(page, "upload-error")
    assert not Document.objects.exists()

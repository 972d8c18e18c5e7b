"""Issue 12, "Done when": a graduate and a student from sign-up to certificate, and a
revoked certificate holder, in Chromium at 375 px and 1280 px. On every page that
shows "Your next step" the browser must read exactly what ``applicant_journey``
says at that moment, link included, so no page contradicts another. With
SCREENSHOTS=1 every page of the walks is saved to docs/screenshots/journey-*.png.

What staff, the school and the results feed do between the applicant's steps is
done through the same services they use (documents decided, results recorded).
"""

from __future__ import annotations

import datetime
import importlib
import os
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone
from django.utils.html import escape

from applicants.models import Applicant
from applicants.selectors import applicant_journey
from applicants.tests.factories import UserFactory
from applicants.tests.portal_helpers import PASSWORD, pdf_bytes
from certificates.models import Certificate
from certificates.services import certificate_revoke
from certificates.tests.factories import CertificateFactory, applicant_with
from credentials.models import Document
from credentials.services.documents import document_decide
from credentials.tests.factories import DocumentFactory, SchoolFactory
from exams.models import Exam
from exams.results import exam_result_record
from exams.services import exam_application_create

from .conftest import CHROMIUM, SCREENSHOTS, Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "cedar-lantern-orbit-58"


@pytest.fixture(params=[375, 1280], ids=["phone", "desktop"])
def tab(request: Any, browser: Any) -> Iterator[Any]:
    """A fresh browser tab at the given width that fails on console errors, CSP
    violations and pages wider than the screen."""
    width = request.param
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.walk_width = width
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    def check_width(loaded: Any) -> None:
        try:
            scroll = loaded.evaluate("document.documentElement.scrollWidth")
        except Exception:  # navigated away meanwhile
            return
        if scroll > width:
            problems.append(f"{loaded.url} is {scroll}px wide on a {width}px screen")

    page.on("load", check_width)
    yield page
    context.close()
    from django.db import connections

    connections.close_all()
    assert problems == [], problems
    assert CHROMIUM


class Walk:
    """Screenshots numbered in the order of the walk, and the agreement check."""

    def __init__(self, page: Any, site: Site, name: str) -> None:
        self.page, self.site, self.name, self.count = page, site, name, 0
        self.email = ""

    def look(self, what: str) -> None:
        self.count += 1
        if os.environ.get("SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            path = SCREENSHOTS / f"journey-{self.name}-{self.page.walk_width}-{self.count:02d}-{what}.png"
            self.page.screenshot(path=str(path), full_page=True)

    def agrees(self, applicant: Applicant, what: str, *, expect: str | None = "") -> None:
        """The page's "next step" is the journey's, with the same link; then a screenshot."""
        journey = applicant_journey(Applicant.objects.get(pk=applicant.pk))
        action = journey.next_action
        if expect != "":
            assert (action.key if action else None) == expect, journey.actions
        box = self.page.locator("[data-testid=journey-next]").first
        text = box.inner_text()
        if action is None:
            assert journey.headline in text
        else:
            assert action.text in text, (action.text, text)
            href = self.page.locator("[data-testid=journey-next-link]").first.get_attribute("href")
            assert href == action.url
        self.look(what)

    def go(self, path: str) -> None:
        self.page.goto(self.site.at(path))

    def nav(self, name: str) -> None:
        main = self.page.get_by_role("navigation", name="Main")
        toggle = main.locator(".nav-toggle")
        if toggle.is_visible():  # phone: the navigation folds behind "Menu"
            toggle.click()
        main.get_by_role("link", name=name, exact=True).click()


def _pdf(name: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}


def _upload(page: Any, kind: str, language: str, name: str) -> None:
    page.get_by_label("Which document?").select_option(kind)
    page.get_by_label("Language of the document").select_option(language)
    page.locator("input[type=file]").first.set_input_files(_pdf(name))
    page.get_by_role("button", name="Upload").click()


def _sign_up_and_confirm(walk: Walk, email: str) -> None:
    page = walk.page
    walk.go("/signup/")
    walk.look("signup")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    assert "Check your e-mail" in page.inner_text("main")
    walk.look("check-your-email")
    link = walk.site.link_path(str(mail.outbox[-1].body), "/account/confirm/")
    walk.go(link)
    page.wait_for_url(re.compile(r"/login/"))
    assert "Your e-mail address is confirmed." in page.inner_text("main")
    walk.look("confirmed-login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))


def _identity(walk: Walk, school: Any, graduation: datetime.date, given: str, last: str) -> Applicant:
    page = walk.page
    page.locator("[data-testid=journey-next-link]").first.click()
    page.get_by_label("Given names").fill(given)
    page.get_by_label("Last name (family name)").fill(last)
    page.get_by_label("Date of birth").fill("1996-02-20")
    page.get_by_label("Country of citizenship").select_option("EG")
    page.locator("#id_school_q").fill("cairo")
    page.wait_for_selector(f"#id_school option[value='{school.pk}']", state="attached")
    page.locator("#id_school").select_option(str(school.pk))
    page.get_by_label("Graduation date").fill(graduation.isoformat())
    page.get_by_label("Academic years of credit at this school").fill("6")
    walk.look("identity")
    page.get_by_role("button", name="Continue: check my answers").click()
    page.wait_for_load_state()
    assert "/identity/check/" in page.url, page.inner_text("main")[:1500]
    walk.look("identity-check")
    page.get_by_role("button", name="Confirm and get my USMLE/ECFMG ID").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))
    return Applicant.objects.get(user__email=walk.email)


def _apply(walk: Walk, exam: str, label: str) -> None:
    page = walk.page
    walk.nav("Exams")
    page.locator(f"[data-testid=apply-{exam}]").click()
    walk.look(f"confirm-{exam.lower()}")
    page.locator("[data-testid=confirm-apply]").click()
    page.wait_for_url(re.compile(r"/permit/$"))
    assert label in page.inner_text("[data-testid=permit]")
    walk.look(f"permit-{exam.lower()}")


@pytest.fixture(autouse=True)
def passing_standards() -> None:
    """The standards the exams migration records: a transactional test flushes them after
    the first test of the module, so each walk puts them back."""
    from django.apps import apps

    standards = importlib.import_module("exams.migrations.0003_passing_standards")
    standards.add_standards(apps, None)


def _pass(applicant: Applicant, exam: str) -> None:
    exam_result_record(
        applicant=applicant,
        exam=exam,
        test_date=timezone.localdate(),
        outcome="pass",
        score=None if exam == Exam.STEP2CS else 250,  # Step 2 CS is reported pass/fail only
    )


def _school_confirms(applicant: Applicant) -> None:
    """Staff send the diploma to the school, the school confirms it and sends the final
    transcript, staff accept the translation."""
    for document in Document.objects.filter(applicant=applicant, status="received"):
        document_decide(document=document, to_status="verified", actor=None)
    DocumentFactory(applicant=applicant, kind="final_transcript", source=Document.Source.SCHOOL)


def _pay(walk: Walk, applicant: Applicant) -> None:
    page = walk.page
    walk.nav("Balance and payments")
    walk.agrees(applicant, "ledger", expect="pay")
    page.get_by_role("link", name="Pay now").click()
    walk.look("pay")
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r"/account/pay/sandbox/"))
    walk.look("sandbox-checkout")
    page.get_by_role("button", name="Confirm payment").click()
    page.wait_for_url(re.compile(r"/account/ledger/$"))
    assert page.inner_text("[data-testid=balance]") == "$0.00"


def _certified(walk: Walk, applicant: Applicant) -> None:
    certificate = Certificate.objects.get(applicant=applicant)
    walk.nav("Dashboard")
    walk.agrees(applicant, "dashboard-certified", expect="certificate")
    walk.nav("Certificate")
    assert certificate.number in walk.page.inner_text("main")
    walk.agrees(applicant, "certificate", expect="certificate")
    walk.go(f"/verify/{certificate.verification_code}/")
    assert "Authentic ECFMG certificate" in walk.page.inner_text("main")
    walk.look("verify")


def test_a_graduate_walks_from_sign_up_to_the_certificate(tab: Any, site: Site, settings: Any) -> None:
    settings.PAYMENT_PROVIDER = "sandbox"
    school = SchoolFactory(name="Cairo University Faculty of Medicine", city="Cairo", country="EG")
    email = f"amira.{tab.walk_width}@example.com"
    walk = Walk(tab, site, "graduate")
    walk.email = email
    _sign_up_and_confirm(walk, email)
    walk.look("dashboard-new")
    applicant = _identity(
        walk, school, timezone.localdate() - datetime.timedelta(days=500), "Amira", "Haddad"
    )
    walk.agrees(applicant, "dashboard-id", expect="upload:diploma")

    walk.nav("Exams")
    walk.agrees(applicant, "exams-before-diploma", expect="upload:diploma")
    walk.nav("Documents")
    walk.agrees(applicant, "documents-empty", expect="upload:diploma")
    _upload(tab, "diploma", "ar", "diploma.pdf")
    walk.agrees(applicant, "documents-diploma-sent", expect="upload:translation")
    assert "Arabic" in tab.inner_text("[data-testid=kind-diploma]")
    _upload(tab, "translation", "en", "translation.pdf")
    walk.agrees(applicant, "documents-translation-sent", expect="apply:STEP1")
    assert tab.locator("[data-testid=upload-form]").count() in (0, 1)

    _apply(walk, "STEP1", "USMLE Step 1")
    walk.nav("Dashboard")
    walk.agrees(applicant, "dashboard-applied", expect="schedule:STEP1")
    walk.nav("Exams")
    walk.agrees(applicant, "exams-applied", expect="schedule:STEP1")

    _pass(applicant, Exam.STEP1)
    _apply(walk, "STEP2CK", "Step 2 Clinical Knowledge")
    _pass(applicant, Exam.STEP2CK)
    _apply(walk, "STEP2CS", "Step 2 Clinical Skills")
    _pass(applicant, Exam.STEP2CS)
    walk.nav("Dashboard")
    walk.agrees(applicant, "dashboard-exams-passed", expect="pay")
    _school_confirms(applicant)
    walk.nav("Documents")
    walk.agrees(applicant, "documents-verified", expect="pay")
    assert tab.locator("[data-testid=upload-form]").count() == 0

    _pay(walk, applicant)
    _certified(walk, applicant)


def test_a_student_applies_first_and_sends_the_diploma_after_graduating(
    tab: Any, site: Site, settings: Any
) -> None:
    settings.PAYMENT_PROVIDER = "sandbox"
    school = SchoolFactory(name="Cairo University Faculty of Medicine", city="Cairo", country="EG")
    email = f"omar.{tab.walk_width}@example.com"
    walk = Walk(tab, site, "student")
    walk.email = email
    _sign_up_and_confirm(walk, email)
    graduation = timezone.localdate() + datetime.timedelta(days=150)
    applicant = _identity(walk, school, graduation, "Omar", "Farouk")
    walk.agrees(applicant, "dashboard-id", expect="apply:STEP1")
    walk.nav("Documents")
    walk.agrees(applicant, "documents-before-applying", expect="apply:STEP1")
    assert tab.locator("[data-testid=upload-form]").count() == 0

    _apply(walk, "STEP1", "USMLE Step 1")
    walk.nav("Dashboard")
    walk.agrees(applicant, "dashboard-applied", expect="schedule:STEP1")
    when = f"{graduation.day} {graduation:%B %Y}"
    assert f"Send your final diploma once you graduate, from {when}." in tab.inner_text("[data-testid=later]")
    walk.nav("Documents")
    walk.agrees(applicant, "documents-before-graduating", expect="schedule:STEP1")
    assert tab.locator("[data-testid=upload-form]").count() == 0
    _pass(applicant, Exam.STEP1)

    # The student graduates (the date passes): the diploma can now be sent (R-ED-5).
    Applicant.objects.filter(pk=applicant.pk).update(graduation_date=timezone.localdate())
    walk.nav("Dashboard")
    walk.agrees(applicant, "dashboard-graduated", expect="upload:diploma")
    walk.nav("Documents")
    _upload(tab, "diploma", "en", "diploma.pdf")
    walk.agrees(applicant, "documents-english-diploma", expect="apply:STEP2CK")
    assert tab.locator("[data-testid=kind-translation]").count() == 0  # English: no translation asked

    for exam in (Exam.STEP2CK, Exam.STEP2CS):
        exam_application_create(applicant=Applicant.objects.get(pk=applicant.pk), exam=exam)
        _pass(applicant, exam)
    _school_confirms(applicant)
    walk.nav("Dashboard")
    walk.agrees(applicant, "dashboard-owes", expect="pay")
    _pay(walk, applicant)
    _certified(walk, applicant)


def test_a_revoked_holder_reads_revoked_everywhere(tab: Any, site: Site) -> None:
    applicant = applicant_with(user=UserFactory(email=f"lena.{tab.walk_width}@example.com"))
    certificate = CertificateFactory(applicant=applicant)
    officer = UserFactory(email=f"officer.{tab.walk_width}@ecfmg.test", is_staff=True)
    officer.user_permissions.add(Permission.objects.get(codename="revoke_certificate"))
    officer = type(officer).objects.get(pk=officer.pk)
    mail.outbox.clear()
    # In another thread: the PDF is re-rendered and signed (pyHanko runs its own event
    # loop), and this thread already runs Playwright's.
    worker = threading.Thread(
        target=certificate_revoke,
        kwargs={
            "certificate": certificate,
            "reason": "Irregular behaviour finding 2026-17.",
            "actor": officer,
        },
    )
    worker.start()
    worker.join()
    revoked_mail = [m for m in mail.outbox if m.subject == "Your Standard ECFMG Certificate has been revoked"]
    assert len(revoked_mail) == 1 and "Irregular behaviour finding 2026-17." in str(revoked_mail[0].body)

    walk = Walk(tab, site, "revoked")
    walk.go("/login/")
    tab.get_by_label("E-mail address").fill(applicant.user.email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(re.compile(r"/dashboard/$"))
    main = tab.inner_text("main")
    assert "REVOKED on" in main and "You are certified" not in main
    walk.agrees(applicant, "dashboard", expect="revoked")
    walk.nav("Certificate")
    assert "Standard ECFMG Certificate: REVOKED" in tab.inner_text("main")
    walk.agrees(applicant, "certificate", expect="revoked")
    walk.go(f"/verify/{certificate.verification_code}/")
    assert tab.locator("main h1").first.inner_text() == "REVOKED"
    assert escape("Authentic") not in tab.inner_text("main")
    walk.look("verify")

"""Staff work in Chromium at 1280 px: each role signs in with its second factor, works one
item of each queue from the home page, and sees the counts change; every page is axe-clean.

A diploma goes from received to sent to the school (the school answers through the
service, as its link would) to verified; a school answer, an identity correction and a
revocation are each decided on their page. Screenshots go to docs/screenshots/ with
SCREENSHOTS=1.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from applicants.models import User
from credentials.models import Document, SchoolVerificationRequest
from credentials.services.school_verification import school_verification_answer
from tests.admin.workbench_data import STAFF_PASSWORD, pdf_bytes, populate, staff
from tests.support.axe import assert_accessible

from .conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1280, "height": 900}
AXE_RUNNING = False


def accessible(tab: Any, label: str) -> None:
    global AXE_RUNNING
    AXE_RUNNING = True
    try:
        assert_accessible(tab, label=label)
    finally:
        tab.wait_for_timeout(50)  # console events of the run arrive before the flag drops
        AXE_RUNNING = False


@pytest.fixture
def desk(browser: Any) -> Iterator[Any]:
    """A 1280 px wide tab that fails on any console error (CSP included) or sideways scroll."""
    context = browser.new_context(viewport=DESK, locale="en-US")
    context.set_default_timeout(20_000)
    tab = context.new_page()
    problems: list[str] = []
    # axe-core, evaluated by the harness, trips the CSP itself on some pages (inline styles
    # it sets while measuring); those reports are the test's, not the page's.
    tab.on(
        "console",
        lambda m: (
            problems.append(f"{tab.url}: {m.text[:120]}") if m.type == "error" and not AXE_RUNNING else None
        ),
    )
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    def check_width(loaded: Any) -> None:
        try:
            width = loaded.evaluate("document.documentElement.scrollWidth")
        except Exception:  # navigated away meanwhile
            return
        if width > DESK["width"]:
            problems.append(f"{loaded.url} is {width}px wide at {DESK['width']}px")

    tab.on("load", check_width)
    yield tab
    context.close()
    from django.db import connections

    connections.close_all()
    assert problems == [], f"Errors in the browser: {problems}"


def _code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(tab: Any, site: Site, email: str) -> None:
    user = User.objects.get(email=email)
    TOTPDevice.objects.get_or_create(user=user, name="phone", defaults={"confirmed": True})
    tab.context.clear_cookies()
    tab.goto(site.at("/admin/login/"))
    accessible(tab, label="admin login")
    tab.fill("#id_username", email)
    tab.fill("#id_password", STAFF_PASSWORD)
    tab.fill("#id_otp_token", _code(user))
    tab.click("input[type=submit]")
    tab.wait_for_selector("[data-testid=queues], #content-main")
    assert "/admin/login/" not in tab.url, tab.content()[:2000]


def count(tab: Any, key: str) -> str:
    return str(tab.inner_text(f"[data-testid=count-{key}]")).strip()


def home(tab: Any, site: Site) -> None:
    tab.goto(site.at("/admin/"))
    accessible(tab, label="home")


@pytest.fixture
def work(transactional_db: Any) -> Any:
    staff()
    return populate("201")


def test_reviewer_sends_a_diploma_to_the_school_and_verifies_it(desk: Any, site: Site, work: Any) -> None:
    sign_in(desk, site, "reviewer@ecfmg.test")
    home(desk, site)
    assert count(desk, "diplomas") == "1 diploma"
    assert count(desk, "school_answers") == "1 answer"
    assert desk.locator("[data-testid=administration]").count() == 0
    Site.screenshot(desk, "staff-home-reviewer")

    desk.click("text=Diplomas to review and send to the school")
    accessible(desk, label="diplomas queue")
    desk.click(f"a[href*='/credentials/document/{work.diploma.pk}/change/']")
    desk.wait_for_selector("[data-testid=decision-form]")
    # The page pictures are drawn server-side: both must load and have real pixels.
    # (evaluate, not wait_for_function: the CSP forbids the eval that one uses.)
    loaded = (
        "() => [...document.querySelectorAll('.page-scroller img')].map(i => i.complete && i.naturalWidth)"
    )
    for _ in range(100):
        widths = desk.evaluate(loaded)
        if len(widths) == 2 and all(widths):
            break
        desk.wait_for_timeout(100)
    assert len(widths) == 2 and all(w >= 1000 for w in widths), widths
    assert "You are working on this item" in desk.inner_text("[data-testid=claim]")
    assert "Núñez" in desk.inner_text("[data-testid=identity]")
    accessible(desk, label="document review")
    Site.screenshot(desk, "staff-document-review")
    desk.check("input[name=decision][value=send]")
    desk.click("input[name=_next]")
    desk.wait_for_selector("#changelist")
    home(desk, site)
    assert count(desk, "diplomas") == "0 diplomas"
    assert Document.objects.get(pk=work.diploma.pk).status == Document.Status.SENT_FOR_VERIFICATION

    # The school answers through its link (the service its page calls).
    request = SchoolVerificationRequest.objects.get(diploma=work.diploma)
    school_verification_answer(
        verification=request,
        answer=SchoolVerificationRequest.Answer.AUTHENTIC,
        official_name="Dr. Registrar",
        official_title="Registrar",
        comment="Issued by us.",
        transcript=SimpleUploadedFile("t.pdf", pdf_bytes(1), content_type="application/pdf"),
    )
    home(desk, site)
    assert count(desk, "school_answers") == "2 answers"
    desk.click("text=School answers to evaluate")
    accessible(desk, label="school answers queue")
    header = desk.inner_text("#result_list thead")
    assert "ANSWER" in header.upper() and "TRANSCRIPT" in header.upper()
    desk.click(f"a[href*='/credentials/schoolanswerreview/{request.pk}/change/']")
    accessible(desk, label="school answer review")
    desk.click("input[value='Accept and go to the next in this queue']")
    desk.wait_for_selector("[data-testid=decision-form], #changelist, [data-testid=claim]")
    home(desk, site)
    assert count(desk, "school_answers") == "1 answer"
    assert Document.objects.get(pk=work.diploma.pk).status == Document.Status.VERIFIED

    desk.click("text=Identity corrections to decide")
    desk.click(f"a[href*='/applicants/identitychangerequest/{work.correction.pk}/change/']")
    assert "Li Na" in desk.inner_text("[data-testid=compare]")
    accessible(desk, label="identity correction")
    desk.click("input[name=approve]")
    desk.wait_for_selector("#changelist")
    home(desk, site)
    assert count(desk, "identity_corrections") == "0 corrections"

    desk.goto(site.at(f"/admin/applicants/applicant/{work.diploma.applicant_id}/change/"))
    desk.fill("#id_text", "Diploma verified by the school; nothing else pending from us.")
    desk.click("input[value='Add the note']")
    desk.wait_for_selector("[data-testid=note]")
    accessible(desk, label="applicant file")
    Site.screenshot(desk, "staff-applicant-file")

    desk.goto(site.at("/admin/applicants/applicant/?q=nunez"))
    assert "Núñez" in desk.inner_text("#result_list")
    accessible(desk, label="applicant search")


def test_certificate_officer_revokes_from_the_home_page(desk: Any, site: Site, work: Any) -> None:
    sign_in(desk, site, "certificates@ecfmg.test")
    home(desk, site)
    assert count(desk, "certificates_recent") == "1 certificate"
    Site.screenshot(desk, "staff-home-certificate-officer")
    desk.click("text=Certificates issued in the last")
    desk.click(f"a[href*='/certificates/certificate/{work.certificate.pk}/change/']")
    accessible(desk, label="certificate page")
    desk.fill("#id_reason", "The diploma was found forged after issue.")
    desk.click("input[value='Revoke the certificate']")
    desk.wait_for_selector("#changelist")
    home(desk, site)
    assert count(desk, "certificates_recent") == "0 certificates"


def test_finance_and_exams_clerk_see_their_own_work(desk: Any, site: Site, work: Any) -> None:
    sign_in(desk, site, "finance@ecfmg.test")
    home(desk, site)
    assert count(desk, "payments_unmatched") == "0 payments"
    assert desk.locator("[data-queue=diplomas]").count() == 0
    sign_in(desk, site, "exams@ecfmg.test")
    home(desk, site)
    assert count(desk, "unmatched_results") == "0 results"
    desk.click("text=Exam results that match no application")
    accessible(desk, label="unmatched results queue")
    desk.goto(site.at("/admin/exams/examresult/add/"))
    accessible(desk, label="exam result form")


def _chart_data() -> None:
    """Answered requests over a year in four countries, some decided, for the charts."""
    now = timezone.now()
    for n, (country, days) in enumerate(
        [("AR", 12), ("AR", 30), ("EG", 45), ("EG", 70), ("IN", 8), ("IN", 20), ("PH", 55), ("PH", 95)]
    ):
        done = populate(f"3{n:02d}")
        sent_at = now - datetime.timedelta(days=120 - n * 9)
        SchoolVerificationRequest.objects.filter(pk=done.answered.pk).update(
            created_at=sent_at, answered_at=sent_at + datetime.timedelta(days=days)
        )
        done.answered.school.__class__.objects.filter(pk=done.answered.school_id).update(country=country)


def test_administrator_sees_administration_and_the_charts(desk: Any, site: Site, work: Any) -> None:
    _chart_data()
    sign_in(desk, site, "administrator@ecfmg.test")
    home(desk, site)
    assert desk.locator("[data-testid=administration]").count() == 1
    assert re.search(r"audit trail", desk.inner_text("[data-testid=administration]"), re.I)
    desk.click("text=Second factors of staff")
    accessible(desk, label="second factors of staff")
    desk.goto(site.at("/admin/workbench/charts/"))
    assert desk.locator("svg.chart").count() >= 2
    accessible(desk, label="charts")
    Site.screenshot(desk, "staff-charts")

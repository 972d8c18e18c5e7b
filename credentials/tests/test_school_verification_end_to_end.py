"""The whole R-ED-8 flow on real infrastructure: PostgreSQL, Redis, a Celery worker, Chromium.

Staff send the diploma -> the worker e-mails the school once -> the school official
answers through the link in Chromium and uploads the transcript -> staff accept in
the admin -> the rules engine shows the education requirement met.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import sync_playwright

from certificates.selectors import applicant_assessment
from credentials.models import SchoolVerificationRequest, VerificationEmail
from credentials.services.school_verification import school_verification_request
from credentials.tests.school_support import (
    LINK_RE,
    diploma_for,
    pdf_bytes,
    staff_user,
    translation_for,
    verified_staff_client,
)
from tests.support.celery_worker import skip_or_fail

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def celery_worker_env(live_server: Any) -> dict[str, str]:
    # Links in the worker's e-mails point at this test's server.
    return {"SITE_URL": live_server.url}


@pytest.fixture
def chromium_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 375, "height": 812}, locale="en-US")
        context.set_default_timeout(20_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page
        # Django keeps one connection per context, and Playwright's greenlets make a new
        # context: close what the test opened so the test database can be dropped.
        connections.close_all()
        browser.close()
    assert errors == [], f"errors in the browser (a CSP violation is one): {errors}"


@pytest.mark.services
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_school_confirms_through_the_link_and_the_requirement_is_met(
    celery_worker, chromium_page, live_server, tmp_path
):
    diploma = diploma_for()
    translation_for(diploma.applicant)
    applicant = diploma.applicant
    reviewer = staff_user()

    # 1. Staff send the diploma; the commit queues the e-mails on Redis; the worker sends them.
    verification = school_verification_request(document=diploma, actor=reviewer)
    celery_worker.wait_for(
        lambda: len(celery_worker.sent_messages()) == 2,
        timeout=60,
        what="the school's and applicant's e-mails",
    )
    to_school = [m for m in celery_worker.sent_messages() if m["To"] == verification.contact_email]
    assert len(to_school) == 1
    body = to_school[0].get_payload(decode=True).decode()
    assert applicant.full_name in body
    assert not to_school[0].is_multipart()  # no attachment: the diploma is not e-mailed
    link = LINK_RE.search(body)
    assert link and link.group(0).startswith(live_server.url)

    # 2. The school official answers in Chromium.
    page = chromium_page
    page.goto(link.group(0))
    assert page.get_by_test_id("applicant-name").inner_text() == applicant.full_name
    # Readable on a phone: nothing scrolls sideways at 375 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    if os.environ.get("SCREENSHOTS") == "1":
        page.screenshot(path=str(SCREENSHOTS / "school-response-page.png"), full_page=True)
    page.get_by_label("Authentic: the school issued this diploma").check()
    page.get_by_label("Your full name").fill("Dr. Asha Mehta")
    page.get_by_label("Your title or position").fill("Registrar")
    transcript = tmp_path / "final-transcript.pdf"
    transcript.write_bytes(pdf_bytes())
    page.get_by_label("Final medical school transcript").set_input_files(str(transcript))
    page.get_by_role("button", name="Send the answer to ECFMG").click()
    page.wait_for_url(f"**{reverse('school:thanks')}?language=*")
    assert "ECFMG has received your answer" in page.content()

    # 3. Staff accept the answer from the review queue.
    verification.refresh_from_db()
    assert verification.status == SchoolVerificationRequest.Status.ANSWERED
    client = verified_staff_client(reviewer)
    # The same link now says it was used.
    assert client.get(link.group(0).removeprefix(live_server.url)).status_code == 410
    queue = client.get(reverse("admin:credentials_schoolanswerreview_changelist")).content.decode()
    assert f"/{verification.pk}/change/" in queue
    client.post(
        reverse("admin:credentials_schoolanswerreview_change", args=[verification.pk]), {"accept": "1"}
    )

    # 4. The rules engine: R-ED-8 met.
    requirement = next(
        r for r in applicant_assessment(applicant=applicant).requirements if r.rule == "R-ED-8"
    )
    assert requirement.met, requirement.reason

    # The applicant heard of each change; the school got exactly one e-mail.
    celery_worker.wait_for(
        lambda: VerificationEmail.objects.filter(request=verification, status="sent").count() == 4,
        timeout=60,
        what="the applicant's answered and outcome e-mails",
    )
    messages = celery_worker.sent_messages()
    assert [m["To"] for m in messages].count(verification.contact_email) == 1
    assert [m["To"] for m in messages].count(applicant.user.email) == 3

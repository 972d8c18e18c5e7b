"""axe-core over every page the portal serves, in English and Arabic, at 375 px and 1280 px (issue 16).

The demo data (``seed_demo``: applicants at five stages, a certificate, a school request
waiting for its answer, every staff role) gives each page something real to show. Each
page is opened signed in as the person it is for (an applicant, the school's link, a
verifier, a superuser whose second factor is verified) and axe-core runs its WCAG
2.0/2.1/2.2 A and AA rules (tests/support/axe.py). The test fails on any violation, naming
the page, the language and the width, and it fails if a page of ``PAGES`` was not reached
(so the list below is what was covered).

Pages that stream a file (PDFs, document downloads), JSON and the API are not pages a
person reads and are not in the list. Arabic pages must also say ``dir="rtl"`` (school
pages follow the school's language instead). ``KNOWN_PROBLEMS`` lists, by page and rule,
the violations still open on staff pages and on the third-party Swagger UI: any other
violation fails.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import connections
from django.test import Client
from django.urls import reverse

from applicants.demo.loader import seed_demo
from applicants.models import Applicant, User
from certificates.models import Certificate
from credentials.models import SchoolVerificationRequest
from credentials.services.verification_emails import link_token
from exams.models import ExamApplication
from tests.security.conftest import verified_client
from tests.support.axe import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (375, 1280)
LANGUAGES = ("en", "ar")


@dataclass(frozen=True)
class Page:
    name: str
    who: str  # "anonymous", an applicant's e-mail, or "staff"
    path: Callable[[], str]


def _certified() -> Applicant:
    return Applicant.objects.get(user__email="certified@applicant.test")


def _school_link() -> str:
    verification = SchoolVerificationRequest.objects.get(status=SchoolVerificationRequest.Status.SENT)
    return reverse("school:respond", args=[link_token(verification)])


def _permit() -> str:
    application = ExamApplication.objects.filter(applicant__user__email="student@applicant.test").first()
    assert application is not None
    return reverse("permit", args=[application.pk])


NEW = "new@applicant.test"
GRADUATE = "graduate@applicant.test"
CERTIFIED = "certified@applicant.test"
STUDENT = "student@applicant.test"


def _static(name: str, *args: Any) -> Callable[[], str]:
    return lambda: reverse(name, args=args)


APPLICANT_PAGES = [
    Page("home", "anonymous", _static("home")),
    Page("signup", "anonymous", _static("signup")),
    Page("login", "anonymous", _static("login")),
    Page("password_reset", "anonymous", _static("password_reset")),
    Page("password_reset_done", "anonymous", _static("password_reset_done")),
    Page("password_reset_confirm (used link)", "anonymous", lambda: "/password-reset/MQ/used-token/"),
    Page("password_reset_complete", "anonymous", _static("password_reset_complete")),
    Page("confirm_email (bad link)", "anonymous", _static("confirm_email", "not-a-token")),
    Page("not found (404)", "anonymous", lambda: "/no-such-page/"),
    Page("dashboard (new)", NEW, _static("dashboard")),
    Page("identity (new)", NEW, _static("identity")),
    Page("dashboard (student)", STUDENT, _static("dashboard")),
    Page("exams (student)", STUDENT, _static("exams")),
    Page("permit (student)", STUDENT, _permit),
    Page("dashboard (graduate)", GRADUATE, _static("dashboard")),
    Page("identity (graduate, locked)", GRADUATE, _static("identity")),
    Page("documents (graduate)", GRADUATE, _static("documents")),
    Page("exams (graduate)", GRADUATE, _static("exams")),
    Page("ledger (graduate)", GRADUATE, _static("ledger")),
    Page("pay (graduate)", GRADUATE, _static("payment_start")),
    Page("account (graduate)", GRADUATE, _static("account")),
    Page("password_change (graduate)", GRADUATE, _static("password_change")),
    Page("password_change_done (graduate)", GRADUATE, _static("password_change_done")),
    Page("dashboard (certified)", CERTIFIED, _static("dashboard")),
    Page("certificate (certified)", CERTIFIED, _static("certificate_detail")),
]
SCHOOL_PAGES = [
    Page("school answer page", "anonymous", _school_link),
    Page("school thanks", "anonymous", _static("school:thanks")),
    Page("school link problem", "anonymous", _static("school:respond", "tampered")),
]
VERIFIER_PAGES = [
    Page("verify (valid certificate)", "anonymous", lambda: reverse("verify", args=[_certified_code()])),
    Page("verify (unknown code)", "anonymous", _static("verify", "UNKNOWN-CODE")),
    Page("credential verify", "anonymous", _static("credential_verify")),
    Page("API documentation", "anonymous", _static("api-docs")),
]


def _certified_code() -> str:
    return Certificate.objects.get(applicant=_certified()).verification_code


def _staff_pages() -> list[Page]:
    pages = [
        Page("admin: index", "staff", _static("admin:index")),
        Page("admin: staff second factors", "staff", _static("admin:mfa_staff")),
        Page("admin: workbench charts", "staff", _static("admin:workbench_charts")),
        Page(
            "admin: school verification metrics",
            "staff",
            _static("admin:credentials_schoolverification_metrics"),
        ),
        Page("admin: exam result import", "staff", _static("admin:verification_examresultimport_import")),
    ]
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):
        opts = model._meta
        pages.append(
            Page(
                f"admin: {opts.label} list",
                "staff",
                _static(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            )
        )
    for model, label in [
        (Applicant, "applicant"),
        (SchoolVerificationRequest, "school verification request"),
        (Certificate, "certificate"),
    ]:
        opts = model._meta
        pages.append(
            Page(
                f"admin: {label} form",
                "staff",
                lambda opts=opts, model=model: reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[model.objects.order_by("pk")[0].pk],
                ),
            )
        )
    return pages


PAGES = APPLICANT_PAGES + SCHOOL_PAGES + VERIFIER_PAGES
# Pages that speak the school's language, not the browser's (the demo schools are English).
SCHOOL_LANGUAGE = {page.name for page in SCHOOL_PAGES}
# Violations still open on pages this issue does not own, by page and rule, as found on
# 1 December 2026 (docs/i18n.md). A violation not listed here fails the test; the staff
# pages are being fixed by the staff-admin work, Swagger UI is third-party markup
# (drf-spectacular-sidecar) whose buttons nest and whose <html> has no lang.
KNOWN_PROBLEMS: dict[str, set[str]] = {
    "API documentation": {"color-contrast", "html-has-lang", "nested-interactive", "target-size"},
    "admin: school verification request form": {"scrollable-region-focusable"},
    **{
        f"admin: {label} list": {"link-in-text-block"}
        for label in (
            "applicants.Applicant",
            "applicants.LedgerEntry",
            "certificates.Certificate",
            "credentials.Document",
            "eras.ResidencyApplication",
            "eras.StatusReport",
            "eras.WebhookDelivery",
            "exams.ExamApplication",
            "exams.ExamResult",
            "exams.UnmatchedResult",
            "verification.ExamResultImport",
            "verification.VerificationReport",
            "verification.VerificationRequest",
        )
    },
}


@pytest.fixture
def demo() -> Iterator[None]:
    # In a thread of its own: rendering the certificate runs an event loop, and Playwright's
    # is already running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_seed).result()
    yield


def _seed() -> None:
    # A transactional test flushes what the migrations recorded; the demo's exam results are
    # judged by the dated passing standards (R-EX-8), so put them back first, as migrate would.
    standards = importlib.import_module("exams.migrations.0003_passing_standards")
    standards.add_standards(apps, None)
    try:
        seed_demo()
    finally:
        connections.close_all()


def _session_cookie(who: str, live_url: str) -> list[dict[str, Any]]:
    if who == "anonymous":
        return []
    user = User.objects.get(email="admin@ecfmg.test" if who == "staff" else who)
    client = verified_client(user) if who == "staff" else Client()
    if who != "staff":
        client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_url}]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_has_no_wcag_violation(browser, live_server, demo, language, width):
    pages = PAGES + _staff_pages()
    contexts: dict[str, Any] = {}
    problems: list[str] = []
    covered: list[str] = []
    try:
        for page_spec in pages:
            if page_spec.who not in contexts:
                context = browser.new_context(
                    viewport={"width": width, "height": 900},
                    locale=language,
                    extra_http_headers={"Accept-Language": language},
                )
                context.set_default_timeout(20_000)
                context.add_cookies(_session_cookie(page_spec.who, live_server.url))
                contexts[page_spec.who] = context.new_page()
            tab = contexts[page_spec.who]
            path = page_spec.path()
            response = tab.goto(live_server.url + path)
            assert response is not None and response.status < 500, (
                f"{page_spec.name}: {path} answered {response and response.status}"
            )
            html_lang = tab.evaluate("document.documentElement.lang")
            html_dir = tab.evaluate("document.documentElement.dir")
            rtl_expected = language == "ar" and page_spec.name not in SCHOOL_LANGUAGE | {"API documentation"}
            if rtl_expected and (not html_lang.startswith("ar") or html_dir != "rtl"):
                problems.append(
                    f"{page_spec.name} ({language}, {width}px): <html lang={html_lang!r} dir={html_dir!r}>"
                )
            violations = [
                v for v in axe_violations(tab) if v["id"] not in KNOWN_PROBLEMS.get(page_spec.name, set())
            ]
            if violations:
                problems.append(f"{page_spec.name} [{path}] ({language}, {width}px):\n{describe(violations)}")
            covered.append(page_spec.name)
    finally:
        for tab in contexts.values():
            tab.context.close()
    print(f"axe-core, {language}, {width}px: {len(covered)} pages: " + "; ".join(covered))
    assert covered == [p.name for p in pages]
    assert not problems, f"{len(problems)} page(s) with problems:\n" + "\n\n".join(problems)

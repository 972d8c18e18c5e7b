"""axe-core over every page the portal serves, in English and Arabic, at 375 px and 1280 px (issue 16).

The demo data (``seed_demo``: applicants at five stages, a certificate, a school request
waiting for its answer, every staff role) gives each page something real to show. Each
page is opened signed in as the person it is for (an applicant, the school's link, a
verifier, a superuser whose second factor is verified) and axe-core runs its WCAG
2.0/2.1/2.2 A and AA rules (tests/support/axe.py). The test fails on any violation, naming
the page, the language and the width; there is no list of tolerated violations.

What was covered is checked, not only printed: every URL pattern of the project (the walk
of tests/security/test_every_url_is_protected.py) is either the pattern of a page in the
list or has its reason in ``NOT_PAGES`` (files, JSON, POST-only actions) or in
``_why_not_covered`` (admin's per-model delete and history pages share one template, of
which one each is in the list). A new page fails here until it is listed. Arabic pages
must also say ``dir="rtl"`` (school pages follow the school's language instead; the API
documentation is in English).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import connections
from django.db.models import Model
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from applicants.demo.loader import seed_demo
from applicants.models import Applicant, User
from certificates.models import Certificate
from credentials.models import SchoolVerificationRequest
from credentials.services.verification_emails import link_token
from exams.models import ExamApplication
from tests.security.conftest import verified_client
from tests.security.test_every_url_is_protected import ROUTES
from tests.support.axe import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (375, 1280)
LANGUAGES = ("en", "ar")


@dataclass(frozen=True)
class Page:
    name: str
    who: str  # "anonymous", an applicant's e-mail, or "staff"
    path: Callable[[], str]
    route: str = ""  # the URL pattern's name, for the coverage check; "" for no pattern (404)
    status: int = 200  # what the page answers (error pages are pages too)


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
STAFF = "admin@ecfmg.test"  # the superuser: sees every admin page
REVIEWER = "reviewer@ecfmg.test"
STUDENT = "student@applicant.test"


def _static(name: str, *args: Any) -> Callable[[], str]:
    return lambda: reverse(name, args=args)


def _page(
    name: str, who: str, route: str, *args: Any, path: Callable[[], str] | None = None, status: int = 200
) -> Page:
    return Page(name, who, path or _static(route, *args), route, status)


APPLICANT_PAGES = [
    _page("home", "anonymous", "home"),
    _page("signup", "anonymous", "signup"),
    _page("login", "anonymous", "login"),
    _page("password_reset", "anonymous", "password_reset"),
    _page("password_reset_done", "anonymous", "password_reset_done"),
    Page(
        "password_reset_confirm (used link)",
        "anonymous",
        lambda: "/password-reset/MQ/used-token/",
        "password_reset_confirm",
    ),
    _page("password_reset_complete", "anonymous", "password_reset_complete"),
    _page("confirm_email (bad link)", "anonymous", "confirm_email", "not-a-token", status=400),
    Page("not found (404)", "anonymous", lambda: "/no-such-page/", status=404),
    _page("dashboard (new)", NEW, "dashboard"),
    _page("identity (new)", NEW, "identity"),
    _page("dashboard (student)", STUDENT, "dashboard"),
    _page("exams (student)", STUDENT, "exams"),
    Page("permit (student)", STUDENT, _permit, "permit"),
    _page("dashboard (graduate)", GRADUATE, "dashboard"),
    _page("identity (graduate, locked)", GRADUATE, "identity"),
    _page("documents (graduate)", GRADUATE, "documents"),
    _page("exams (graduate)", GRADUATE, "exams"),
    Page(
        "exam confirmation (graduate)",
        GRADUATE,
        lambda: reverse("exam_confirm") + "?exam=STEP2CK",
        "exam_confirm",
    ),
    _page("ledger (graduate)", GRADUATE, "ledger"),
    _page("pay (graduate)", GRADUATE, "payment_start"),
    _page("account (graduate)", GRADUATE, "account"),
    _page("password_change (graduate)", GRADUATE, "password_change"),
    _page("password_change_done (graduate)", GRADUATE, "password_change_done"),
    _page("dashboard (certified)", CERTIFIED, "dashboard"),
    _page("certificate (certified)", CERTIFIED, "certificate_detail"),
]
SCHOOL_PAGES = [
    Page("school answer page", "anonymous", _school_link, "school:respond"),
    _page("school thanks", "anonymous", "school:thanks"),
    _page("school link problem", "anonymous", "school:respond", "tampered", status=404),
]
VERIFIER_PAGES = [
    Page(
        "verify (valid certificate)",
        "anonymous",
        lambda: reverse("verify", args=[_certified_code()]),
        "verify",
    ),
    _page("verify (unknown code)", "anonymous", "verify", "UNKNOWN-CODE", status=404),
    _page("credential verify", "anonymous", "credential_verify"),
    _page("API documentation", "anonymous", "api-docs"),
]


def _certified_code() -> str:
    return Certificate.objects.get(applicant=_certified()).verification_code


def _admin_request() -> Any:
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(email=STAFF)
    return request


def _first_pk(model: type[Model]) -> Any:
    return model._default_manager.order_by("pk").values_list("pk", flat=True).first()


def _staff_pages() -> list[Page]:
    """Every admin page a superuser can open on the demo data (run after seeding).

    Each registered model's list, its change form (on its first row) and, where the admin
    offers one, its add form; the admin site's own views; and one delete confirmation and
    one history page, which are Django's templates for every model (no admin here swaps
    them: ``test_delete_and_history_pages_are_the_same_for_every_model``).
    """
    sent = SchoolVerificationRequest.objects.filter(status=SchoolVerificationRequest.Status.SENT)
    pages = [
        _page("admin: index", "staff", "admin:index"),
        _page("admin: applicants app", "staff", "admin:app_list", "applicants"),
        _page("admin: log in", "anonymous", "admin:login"),
        _page("admin: password change", "staff", "admin:password_change"),
        _page("admin: password change done", "staff", "admin:password_change_done"),
        _page("admin: second-factor enrolment", "staff", "admin:mfa_enrol"),
        _page("admin: staff second factors", "staff", "admin:mfa_staff"),
        _page(
            "admin: reset a colleague's second factor",
            "staff",
            "admin:mfa_reset",
            path=lambda: reverse("admin:mfa_reset", args=[User.objects.get(email=REVIEWER).pk]),
        ),
        _page("admin: workbench charts", "staff", "admin:workbench_charts"),
        _page("admin: school verification metrics", "staff", "admin:credentials_schoolverification_metrics"),
        _page(
            "admin: change a school's contact",
            "staff",
            "admin:credentials_schoolverification_change_contact",
            path=lambda: reverse("admin:credentials_schoolverification_change_contact", args=[sent[0].pk]),
        ),
        _page(
            "admin: cancel a school verification",
            "staff",
            "admin:credentials_schoolverification_cancel",
            path=lambda: reverse("admin:credentials_schoolverification_cancel", args=[sent[0].pk]),
        ),
        _page("admin: exam result import", "staff", "admin:verification_examresultimport_import"),
        _page(
            "admin: a user's password",
            "staff",
            "admin:auth_user_password_change",
            path=lambda: reverse(
                "admin:auth_user_password_change", args=[User.objects.get(email=REVIEWER).pk]
            ),
        ),
    ]
    request = _admin_request()
    registry = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
    for model, model_admin in registry:
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        pages.append(_page(f"admin: {opts.label} list", "staff", f"{prefix}_changelist"))
        pk = _first_pk(model)
        if pk is not None:
            pages.append(_page(f"admin: {opts.label} form", "staff", f"{prefix}_change", pk))
        if model_admin.has_add_permission(request):
            pages.append(_page(f"admin: {opts.label} add", "staff", f"{prefix}_add"))
    pk = _first_pk(Applicant)
    pages.append(
        _page("admin: history (applicants.Applicant)", "staff", "admin:applicants_applicant_history", pk)
    )
    deletable = next(
        (model, _first_pk(model))
        for model, model_admin in registry
        if model_admin.has_delete_permission(request) and _first_pk(model) is not None
    )
    opts = deletable[0]._meta
    pages.append(
        _page(
            f"admin: delete confirmation ({opts.label})",
            "staff",
            f"admin:{opts.app_label}_{opts.model_name}_delete",
            deletable[1],
        )
    )
    return pages


# Every other URL pattern of the project, and why it is not a page axe-core reads here.
NOT_PAGES = {
    # Files, images and machine-readable answers: no page for a person.
    "healthz": "load-balancer health check (plain text)",
    "permit_pdf": "PDF",
    "document_download": "streams the applicant's file",
    "document_draft_page": "PNG of one page of a preview",
    "certificate_download": "PDF",
    "certificate_credential_download": "JSON-LD verifiable credential",
    "credential_status_list": "JSON status list",
    "issuer_did_document": "JSON DID document",
    "certificate_context": "JSON-LD context",
    "school:document": "streams a document to the school official",
    "school_search": "HTML <option> fragment for the school select, not a page",
    "admin:credentials_document_file": "streams the document under review",
    "admin:credentials_document_page": "PNG of one page of the document under review",
    "admin:certificates_certificate_pdf": "the certificate's PDF",
    # django-otp's pages with a device's secret: refused (403) to everyone, since
    # OTP_ADMIN_HIDE_SENSITIVE_DATA is on; staff see their own QR code only while enrolling.
    "admin:otp_totp_totpdevice_config": "refused by design: shows a device's secret",
    "admin:otp_totp_totpdevice_qrcode": "refused by design: the QR code of a device's secret",
    "admin:jsi18n": "admin's JavaScript catalog",
    "admin:autocomplete": "JSON for admin's autocomplete widgets",
    "admin:view_on_site": "redirects to the object's own page",
    "api-schema": "OpenAPI YAML (its page is api-docs)",
    "api-not-found": "JSON 404",
    "api-credentials-verify": "JSON API",
    "api-exam-results": "JSON API",
    "api-verifications": "JSON API",
    "api-verification-detail": "JSON API",
    "api-verification-pdf": "PDF",
    "eras-applications": "JSON API",
    "eras-reports": "JSON API",
    "eras-report-detail": "JSON API",
    "eras-webhook": "JSON API",
    "payment_webhook": "provider webhook (POST)",
    # Actions: they answer a POST with a redirect to a page that is in the list.
    "logout": "POST only, redirects to login",
    "admin:logout": "POST only, redirects to the admin log-in page",
    "set_language": "POST only, redirects back",
    "resend_confirmation": "POST only, redirects to account",
    "exam_apply": "POST only, redirects to the confirmation or the exams page",
    "identity_change_request": "POST only (the form is on the locked identity page), redirects there",
    "document_draft_send": "POST only, redirects to documents",
    "document_draft_start_again": "POST only, redirects to documents",
    "admin:credentials_document_decide": "POST only (the decisions are on the document's review page)",
    # Pages that exist only in the middle of a journey the demo is not in.
    "identity_check": "shown only between the identity form and its confirmation; axe-checked "
    "in tests/browser/test_identity_and_money_in_browser.py",
    "document_draft": "preview of an upload in progress (a draft the demo does not have)",
    "payment_sandbox_checkout": "the sandbox's stand-in for the provider's hosted page, "
    "reached through a one-time token from the pay form",
}


def _why_not_covered(route: str, request: Any) -> str | None:
    """The reason a URL pattern is not in the page list, or None when there is none."""
    if route in NOT_PAGES:
        return NOT_PAGES[route]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}_"
        if not route.startswith(prefix):
            continue
        kind = route.removeprefix(prefix)
        if kind in ("history", "delete"):
            return "Django's one template for every model; one of each is in the list"
        if kind == "add" and not model_admin.has_add_permission(request):
            return "this admin offers no add form (the records come from elsewhere)"
        if kind == "change" and _first_pk(model) is None:
            return "the demo data has no row to open"
    return None


def _unexplained(pages: list[Page]) -> list[str]:
    covered = {page.route for page in pages}
    request = _admin_request()
    return [
        route.name
        for route in ROUTES
        if route.name not in covered and _why_not_covered(route.name, request) is None
    ]


PAGES = APPLICANT_PAGES + SCHOOL_PAGES + VERIFIER_PAGES
# Pages that speak the school's language, not the browser's (the demo schools are English).
SCHOOL_LANGUAGE = {page.name for page in SCHOOL_PAGES}


@pytest.fixture
def demo() -> Iterator[None]:
    # In a thread of its own: rendering the certificate runs an event loop, and Playwright's
    # is already running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_seed).result()
    yield


def _seed() -> None:
    # A transactional test flushes what the migrations recorded; the demo's exam results are
    # judged by the dated passing standards (R-EX-8), and the reviewers' reason templates
    # have a form of their own, so put both back first, as migrate would (else only the
    # first of the four runs would see a reason template).
    standards = importlib.import_module("exams.migrations.0003_passing_standards")
    standards.add_standards(apps, None)
    reasons = importlib.import_module("credentials.migrations.0006_reason_templates")
    reasons.add_reasons(apps, None)
    try:
        seed_demo()
        # The superuser's confirmed device, made now rather than at sign-in, so that the
        # TOTP device form has a row to open when the page list is drawn up.
        TOTPDevice.objects.get_or_create(user=User.objects.get(email=STAFF), confirmed=True, name="test")
    finally:
        connections.close_all()


def _session_cookie(who: str, live_url: str) -> list[dict[str, Any]]:
    if who == "anonymous":
        return []
    user = User.objects.get(email=STAFF if who == "staff" else who)
    client = verified_client(user) if who == "staff" else Client()
    if who != "staff":
        client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_url}]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_has_no_wcag_violation(browser, live_server, demo, language, width):
    pages = PAGES + _staff_pages()
    assert _unexplained(pages) == [], "URL patterns neither in the page list nor in NOT_PAGES"
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
            # The page itself, not a refusal or a redirect to another page.
            assert response is not None and response.status == page_spec.status, (
                f"{page_spec.name}: {path} answered {response and response.status}"
            )
            assert urlsplit(tab.url).path == urlsplit(path).path, (
                f"{page_spec.name}: {path} went to {tab.url}"
            )
            html_lang = tab.evaluate("document.documentElement.lang")
            html_dir = tab.evaluate("document.documentElement.dir")
            rtl_expected = language == "ar" and page_spec.name not in SCHOOL_LANGUAGE | {"API documentation"}
            if rtl_expected and (not html_lang.startswith("ar") or html_dir != "rtl"):
                problems.append(
                    f"{page_spec.name} ({language}, {width}px): <html lang={html_lang!r} dir={html_dir!r}>"
                )
            violations = axe_violations(tab)
            if violations:
                problems.append(f"{page_spec.name} [{path}] ({language}, {width}px):\n{describe(violations)}")
            covered.append(page_spec.name)
    finally:
        for tab in contexts.values():
            tab.context.close()
    print(f"axe-core, {language}, {width}px: {len(covered)} pages: " + "; ".join(covered))
    assert covered == [p.name for p in pages]
    assert not problems, f"{len(problems)} page(s) with problems:\n" + "\n\n".join(problems)


def test_delete_and_history_pages_are_the_same_for_every_model():
    """What lets one delete confirmation and one history page stand for all of them."""
    for model_admin in admin.site._registry.values():
        assert model_admin.delete_confirmation_template is None, model_admin
        assert model_admin.object_history_template is None, model_admin

"""A generated test: every URL pattern of the project, asked by people who must be refused.

The walk covers the whole URL tree (``get_resolver``), admin included. For each pattern:

- anonymous: refused, unless the pattern is in ``PUBLIC`` below;
- another applicant: refused on every URL whose parameters name the first applicant's
  objects (ids and tokens are filled with values belonging to the FIRST applicant, and
  the first applicant is shown to reach them, so a refusal is a real refusal);
- a staff member without permissions: refused on those URLs, on every API URL and on
  every admin URL (without a second factor; with one, on every model page);
- an applicant's browser session on the API: refused (the API takes keys only).

"Refused" is a redirect to a login page, 401, 403, 404 or 405. A URL added without
protection fails here until it is protected or consciously added to ``PUBLIC``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from applicants.models import LedgerEntry
from applicants.services.ledger import ledger_post
from applicants.tests.factories import ApplicantFactory
from certificates.tests.factories import CertificateFactory
from credentials.tests.factories import DocumentFactory

from .conftest import verified_client
from .hostile_files import plain_pdf

pytestmark = pytest.mark.django_db

# Reachable without an account, each for a stated reason.
PUBLIC = {
    "healthz": "load-balancer health check, says nothing about data",
    "home": "landing page",
    "set_language": "the language switcher: sets a cookie (and a signed-in user's own language); safe next only",
    "signup": "account creation",
    "login": "log-in form (django-axes guards it)",
    "logout": "ends a session; nothing to protect",
    "password_reset": "reset request; same answer for any address",
    "password_reset_done": "static page",
    "password_reset_confirm": "guarded by Django's one-time token",
    "password_reset_complete": "static page",
    "confirm_email": "guarded by a signed, expiring token",
    "verify": "public authenticity check by verification code (api.md)",
    # Verifiable certificates (R-VE-4, api.md): anyone holding a certificate may check it
    # without trusting or logging in to the portal; these show no applicant's data.
    "issuer_did_document": "the issuer's public keys (DID document); nothing personal",
    "certificate_context": "the JSON-LD context of our credentials; a static document",
    "credential_verify": "page where anyone checks a certificate file; rate-limited per address",
    "api-credentials-verify": "API twin of the check page; answers only about the file sent, rate-limited",
    "api-schema": "OpenAPI schema (api.md)",
    "api-docs": "API documentation (api.md)",
    "api-not-found": "JSON 404 for unknown API paths",
    "payment_webhook": "provider webhook, guarded by the provider's signature",
    "school:respond": "school official's link, guarded by a signed, expiring token",
    "school:document": "document behind the school official's token",
    "school:thanks": "static page after a school answer",
    # Admin pages that must open before (or regardless of) the staff check.
    "admin:login": "staff log-in form",
    "admin:logout": "ends a session",
    "admin:jsi18n": "admin's JavaScript translations",
    "admin:mfa_enrol": "own second-factor enrolment; refuses anyone but staff (tested elsewhere)",
    "admin:password_reset": "(if mounted) reset request",
}
# Admin pages a verified staff member without any permission may open: they show no data.
ADMIN_OPEN_TO_ANY_VERIFIED_STAFF = {
    "admin:index": "lists only what the member may see (nothing)",
    "admin:password_change": "own password",
    "admin:password_change_done": "static page",
    "admin:view_on_site": "redirects to the object's public URL, checked there",
    "admin:autocomplete": "answers 403 without permission; needs query parameters to run",
}
REFUSED_STATUSES = {401, 403, 404, 405}


@dataclass(frozen=True)
class Route:
    name: str
    params: tuple[str, ...]
    converters: dict[str, str]


def _walk(resolver: URLResolver, namespace: str | None = None) -> list[Route]:
    routes: list[Route] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            routes.extend(_walk(entry, inner))
        elif isinstance(entry, URLPattern):
            if not entry.name:
                continue  # unnamed (admin's catch-all): it only redirects or 404s
            pattern: Any = entry.pattern
            converters = {
                name: type(conv).__name__ for name, conv in getattr(pattern, "converters", {}).items()
            }
            params = tuple(converters) or tuple(pattern.regex.groupindex)
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            routes.append(Route(name, params, converters))
    return routes


ROUTES = sorted({r.name: r for r in _walk(get_resolver())}.values(), key=lambda r: r.name)


def test_the_walk_sees_the_whole_project():
    names = {r.name for r in ROUTES}
    for expected in ("login", "documents", "document_download", "admin:index", "verify"):
        assert expected in names
    assert any(r.name.startswith("admin:") and r.name.endswith("_changelist") for r in ROUTES)


@dataclass
class World:
    owner_client: Client
    values: dict[str, dict[str, Any]]  # url name -> kwargs naming the owner's objects
    fallback: dict[str, Any]


@pytest.fixture
def world(settings) -> World:
    owner = ApplicantFactory()
    stored = f"documents/{owner.pk}/owner.pdf"
    default_storage.save(stored, ContentFile(plain_pdf()))
    document = DocumentFactory(applicant=owner, file=stored)
    certificate = CertificateFactory(applicant=owner)
    certificate.pdf.save(f"certificates/{owner.pk}.pdf", ContentFile(plain_pdf()))
    ledger_post(applicant=owner, kind=LedgerEntry.Kind.CHARGE, amount=Decimal("100.00"), description="Fee")
    owner_client = Client()
    owner_client.force_login(owner.user)
    values: dict[str, dict[str, Any]] = {
        "document_download": {"pk": document.pk},
        "certificate_download": {"pk": certificate.pk},
    }
    # The sandbox checkout's token belongs to the owner's open checkout.
    if settings.PAYMENT_PROVIDER == "sandbox":
        started = owner_client.post(reverse("payment_start"), {"amount": "100.00"})
        location = started.get("Location", "")
        token = urlparse(location).path.rstrip("/").rsplit("/", 1)[-1] if "sandbox" in location else ""
        assert token, f"the sandbox checkout start no longer redirects to its page: {location!r}"
        values["payment_sandbox_checkout"] = {"token": token}
    fallback = {
        "int": document.pk,
        "str": "owner-" + datetime.date.today().isoformat(),
        "path": "x",
        "slug": "x",
        "uuid": "00000000-0000-0000-0000-000000000001",
    }
    return World(owner_client, values, fallback)


def _admin_object_id(name: str) -> str:
    """The pk of a real row of the model the admin URL is about (the owner's, when the
    world made one), so a refusal is not just "no such object"."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            return str(first if first is not None else 1)
    return "1"


def _url(route: Route, world: World) -> str:
    kwargs = dict(world.values.get(route.name, {}))
    for param in route.params:
        if param not in kwargs:
            converter = route.converters.get(param, "StringConverter").replace("Converter", "").lower()
            kwargs[param] = world.fallback.get(converter, "1")
            if route.name.startswith("admin:") and param in ("object_id", "pk"):
                kwargs[param] = _admin_object_id(route.name)
            if param == "app_label":
                kwargs[param] = "applicants"
            if param in ("content_type_id",):
                kwargs[param] = 1
    return reverse(route.name, kwargs=kwargs) if kwargs else reverse(route.name)


def _is_refused(response, *, login_names: tuple[str, ...] = ("login", "admin:login")) -> bool:
    if response.status_code in REFUSED_STATUSES:
        return True
    if response.status_code in (301, 302, 303, 307, 308):
        target = urlparse(response["Location"]).path
        return any(target == reverse(name) for name in login_names)
    return False


def _describe(method: str, url: str, response) -> str:
    return f"{method} {url} -> {response.status_code} {response.get('Location', '')}"


def _ask(client: Client, url: str) -> list[tuple[str, Any]]:
    return [("GET", client.get(url)), ("POST", client.post(url, {}))]


def _non_public(prefix: str = "") -> list[Route]:
    return [r for r in ROUTES if r.name not in PUBLIC and r.name.startswith(prefix)]


@pytest.mark.parametrize("route", _non_public(), ids=lambda r: r.name)
def test_anonymous_visitor_is_refused(route: Route, world: World, axes_reset):
    url = _url(route, world)
    for method, response in _ask(Client(), url):
        assert _is_refused(response), _describe(method, url, response)


OWNED = [r for r in _non_public() if r.params and not r.name.startswith("admin:")]


@pytest.mark.parametrize("route", OWNED, ids=lambda r: r.name)
def test_another_applicant_is_refused_the_owners_objects(route: Route, world: World, axes_reset):
    url = _url(route, world)
    if route.name in world.values:
        # The ids really are the owner's: the owner gets through.
        assert world.owner_client.get(url).status_code == 200, url
    intruder = Client()
    intruder.force_login(ApplicantFactory().user)
    for method, response in _ask(intruder, url):
        assert _is_refused(response), _describe(method, url, response)


@pytest.mark.parametrize("route", OWNED, ids=lambda r: r.name)
def test_staff_without_permission_is_refused_the_owners_objects(
    route: Route, world: World, make_staff, axes_reset
):
    url = _url(route, world)
    staff = verified_client(make_staff())
    for method, response in _ask(staff, url):
        assert _is_refused(response), _describe(method, url, response)


API = [r for r in _non_public() if r.name.startswith(("api-", "eras-"))]


@pytest.mark.parametrize("route", API, ids=lambda r: r.name)
def test_api_refuses_browser_sessions(route: Route, world: World, make_staff):
    url = _url(route, world)
    for client in (world.owner_client, verified_client(make_staff(superuser=True))):
        for method, response in _ask(client, url):
            assert response.status_code in REFUSED_STATUSES, _describe(method, url, response)


ADMIN = [r for r in _non_public("admin:")]


@pytest.mark.parametrize("route", ADMIN, ids=lambda r: r.name)
def test_admin_refuses_applicants_and_staff_without_a_second_factor(route: Route, world: World, make_staff):
    url = _url(route, world)
    unverified = Client()
    unverified.force_login(make_staff(superuser=True))
    for client in (world.owner_client, unverified):
        for method, response in _ask(client, url):
            assert _is_refused(response, login_names=("admin:login", "admin:mfa_enrol")), _describe(
                method, url, response
            )


@pytest.mark.parametrize(
    "route", [r for r in ADMIN if r.name not in ADMIN_OPEN_TO_ANY_VERIFIED_STAFF], ids=lambda r: r.name
)
def test_admin_refuses_verified_staff_without_the_permission(route: Route, world: World, make_staff):
    staff = verified_client(make_staff())  # first: its own TOTP device is a real row to ask about
    url = _url(route, world)
    for method, response in _ask(staff, url):
        # "admin:index": the admin's answer for an object it will not show ("does not exist").
        assert _is_refused(response, login_names=("admin:login", "admin:index")), _describe(
            method, url, response
        )


def test_public_allow_list_names_only_existing_urls():
    names = {r.name for r in ROUTES}
    stale = {n for n in PUBLIC if n not in names and n != "admin:password_reset"}
    assert not stale, f"remove from PUBLIC: {sorted(stale)}"


def test_query_strings_are_not_needed_to_be_refused():
    # _is_refused compares paths only; a "?next=" on the login redirect is fine.
    assert parse_qs("next=/documents/") == {"next": ["/documents/"]}

"""Issue 11, section 5: malformed input is a 4xx, never a 5xx, on every public and API URL.

The walk covers every URL pattern outside the admin (``get_resolver``); each is asked
with hostile path segments, hostile query strings and hostile bodies (JSON nested
1,000 deep, a NUL in a string, control characters, invalid UTF-8, a body far over
the limit), by an anonymous visitor, a signed-in applicant and, on the API, by a key
of every kind of organization, so that the parsers and views behind authentication
run too. Named regressions are asserted exactly as well.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from applicants.tests.factories import ApplicantFactory
from ecfmg_portal.security.json_input import UnsafeJSON, bounded_json_loads
from verification.eras.models import FeedAccess
from verification.models import Organization
from verification.services.keys import api_key_issue

pytestmark = pytest.mark.django_db

DEEP_ARRAY = b"[" * 1000 + b"]" * 1000
DEEP_OBJECT = b'{"a":' * 1000 + b"1" + b"}" * 1000
NUL_STRING = b'{"usmle_id": "1234\\u00005678", "last_name": "x\\u0000", "\\u0000": 1}'
CONTROL_JSON = b'{"usmle_id": "\x01\x02\x1b[31m", "results": [{"usmle_id": "\\u0007"}]}'
INVALID_UTF8 = b'{"usmle_id": "\xff\xfe\xc3("}'
HUGE_JSON = b'{"padding": "' + b"x" * 300_000 + b'"}'
WRONG_SHAPES = [b"[]", b"null", b"1e999999", b'"just a string"', b'{"results": {"not": "a list"}}']
JSON_BODIES = [DEEP_ARRAY, DEEP_OBJECT, NUL_STRING, CONTROL_JSON, INVALID_UTF8, HUGE_JSON, *WRONG_SHAPES]
FORM_BODIES = [
    {"username": "a\x00b", "password": "\x00", "email": "x\x00@example.com", "q": "\x00"},
    {"username": "\x1b[2J" * 500, "given_names": "\x7f" * 10, "code": "%00"},
]
SEGMENTS = [
    "%00",
    "abc%00def",
    "%01%02%1b",
    "%7f",
    "x" * 4000,
    "%ff%fe",
    "..%2F..%2Fetc%2Fpasswd",
    "9" * 40,
    "-1",
]
QUERIES = [
    "q=%00",
    "q=%01%02",
    "cursor=%00",
    "cursor=" + base64.b64encode(b"p=abc").decode(),
    "cursor=" + base64.b64encode(b"p=1%00").decode(),
    "cursor=" + base64.b64encode(b"o=-5&p=x").decode(),
    "cursor=not-base64!!",
    "since=99999-99-99T99:99",
    "since=%00",
    "page_size=-1",
    "page_size=99999999999999999999",
    "next=%00",
    "q=" + "x" * 5000,
]


@dataclass(frozen=True)
class Route:
    name: str
    route: str  # the pattern's text, "<...>" where a parameter goes


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[Route]:
    routes: list[Route] = []
    for entry in resolver.url_patterns:
        text = str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else entry.namespace or namespace
            )
            if inner == "admin" or (inner or "").startswith("admin:"):
                continue  # staff pages: behind a second factor, covered by their own tests
            routes.extend(_walk(entry, prefix + text, inner or ""))
        elif isinstance(entry, URLPattern):
            if text.startswith("^"):
                continue  # regex patterns (static files in development only)
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or text)
            routes.append(Route(name, prefix + text))
    return routes


ROUTES = sorted({r.route: r for r in _walk(get_resolver())}.values(), key=lambda r: r.route)
PARAM = re.compile(r"<[^>]+>")


def _paths(route: Route) -> list[str]:
    if not PARAM.search(route.route):
        return ["/" + route.route]
    return ["/" + PARAM.sub(segment, route.route) for segment in SEGMENTS]


@pytest.fixture
def clients(settings) -> list[Client]:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "100000/minute", "verify_page": "100000/minute"},
    }
    cache.clear()
    applicant = Client(raise_request_exception=False)
    applicant.force_login(ApplicantFactory().user)
    keyed = []
    for kind in Organization.Kind.values:
        organization = Organization.objects.create(
            name=f"Fuzz {kind}",
            kind=kind,
            acgme_program_id="1404100001" if kind == Organization.Kind.RESIDENCY_PROGRAM else None,
        )
        if kind == Organization.Kind.OTHER:
            FeedAccess.objects.create(organization=organization)
        _, secret = api_key_issue(organization=organization)
        keyed.append(Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {secret}"))
    return [Client(raise_request_exception=False), applicant, *keyed]


def _no_5xx(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what} -> {response.status_code}"


def test_the_walk_sees_the_public_and_api_urls():
    routes = {r.route for r in ROUTES}
    assert "verify/<str:code>/" in routes
    assert any(r.startswith("api/v1/eras/") for r in routes)
    assert any(r.startswith("api/v1/") and "eras" not in r for r in routes)
    assert not any(r.startswith("admin/") for r in routes)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route)
def test_no_url_answers_5xx_to_malformed_input(route: Route, clients: list[Client]) -> None:
    is_api = route.route.startswith("api/")
    askers = clients if is_api else clients[:2]
    for path in _paths(route):
        for client in askers[:2]:
            _no_5xx(client.get(path), f"GET {path}")
    path = _paths(route)[0] if not PARAM.search(route.route) else "/" + PARAM.sub("1", route.route)
    for client in askers:
        for query in QUERIES:
            _no_5xx(client.get(f"{path}?{query}"), f"GET {path}?{query[:40]}")
        for body in JSON_BODIES:
            _no_5xx(client.post(path, body, content_type="application/json"), f"POST {path} {body[:30]!r}")
        for method in (client.put, client.patch):
            _no_5xx(method(path, DEEP_ARRAY, content_type="application/json"), f"{method.__name__} {path}")
        _no_5xx(
            client.post(path, INVALID_UTF8, content_type="application/x-www-form-urlencoded"), f"form {path}"
        )
        for form in FORM_BODIES:
            _no_5xx(client.post(path, form), f"POST form {path}")


def test_named_regressions_are_4xx(clients: list[Client]) -> None:
    anonymous, applicant, *keyed = clients
    assert anonymous.get("/verify/%00/").status_code == 400
    applicant_response = applicant.get("/identity/schools/?q=%00")
    assert applicant_response.status_code == 400
    program = keyed[Organization.Kind.values.index(Organization.Kind.RESIDENCY_PROGRAM)]
    bad_cursor = base64.b64encode(b"p=abc").decode()
    assert program.get(f"/api/v1/eras/reports/?cursor={bad_cursor}").status_code == 404
    feed = keyed[Organization.Kind.values.index(Organization.Kind.OTHER)]
    deep = feed.post("/api/v1/eras/applications/", DEEP_ARRAY, content_type="application/json")
    assert deep.status_code == 400
    assert "nested" in deep.json()["detail"]


@pytest.mark.parametrize(
    "data",
    [DEEP_ARRAY, DEEP_OBJECT, NUL_STRING, INVALID_UTF8, b"{", b'{"a": "\\ud800"}' * 0 + b"[1,]"],
)
def test_the_bounded_loader_refuses_with_a_sentence(data: bytes) -> None:
    with pytest.raises(UnsafeJSON):
        bounded_json_loads(data)


def test_the_bounded_loader_reads_ordinary_json_and_brackets_inside_strings() -> None:
    assert bounded_json_loads(b'{"a": ["[[[[", {"b": "}}}}\\""}]}') == {"a": ["[[[[", {"b": '}}}}"'}]}
    assert bounded_json_loads("[" * 32 + "]" * 32) == eval("[" * 32 + "]" * 32)  # noqa: S307 - a literal
    with pytest.raises(UnsafeJSON):
        bounded_json_loads("[" * 33 + "]" * 33)

"""Staff pages by keyboard (issue 16 item 6, issue 13 item 7; WCAG 2.4.1, 2.4.7).

On the workbench home, a queue, a document's one-page review and an applicant's file, in
English and in Arabic at 1280 px, with the keyboard alone:
- the first Tab stop is admin's skip link, visible when focused, and Enter on it moves the
  focus to the content;
- every Tab stop after it shows where the focus is: an outline of at least 2 px or a ring
  (static/css/admin-workbench.css draws one where admin's own styles draw none).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

from applicants.models import User
from tests.admin.workbench_data import populate, staff
from tests.security.conftest import verified_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_STOPS = 80
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const ring = style.boxShadow && style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  return {
    what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + (el.textContent || el.value || '').trim().slice(0, 40) + '"',
    visible: outline || ring,
    shown: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0 && box.left < innerWidth,
    skip: el.classList.contains('skip-to-content-link'),
  };
}"""


@pytest.fixture
def reviewer_tab(browser: Any, live_server: Any, request: Any) -> Iterator[tuple[Any, Any]]:
    """A reviewer's 1280 px tab in ``request.param``'s language, second factor verified, and the work."""
    staff()
    work = populate("301")
    language = request.param
    client = verified_client(User.objects.get(email="reviewer@ecfmg.test"))
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale=language,
        extra_http_headers={"Accept-Language": language},
    )
    context.set_default_timeout(15_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    yield context.new_page(), work
    context.close()


def _walk(tab: Any, url: str, label: str) -> list[str]:
    """Tab from the top of the page through every stop; return the problems found."""
    problems = []
    tab.goto(url)
    assert "/admin/login/" not in tab.url, f"{label}: not signed in"
    tab.keyboard.press("Tab")
    first = tab.evaluate(FOCUS_STATE)
    if not first or not first["skip"]:
        problems.append(f"{label}: the first Tab stop is {first and first['what']}, not the skip link")
    elif not (first["visible"] and first["shown"]):
        problems.append(f"{label}: the skip link is not visible when focused")
    for _ in range(MAX_STOPS):
        tab.keyboard.press("Tab")
        state = tab.evaluate(FOCUS_STATE)
        if state is None or state["skip"]:
            break  # past the last stop
        if not state["visible"]:
            problems.append(f"{label}: no visible focus on {state['what']}")
    tab.goto("about:blank")
    tab.goto(url)
    tab.keyboard.press("Tab")
    tab.keyboard.press("Enter")
    focused = tab.evaluate("document.activeElement && document.activeElement.id")
    if focused != "content-start":
        problems.append(f"{label}: Enter on the skip link leaves the focus on {focused!r}, not the content")
    return problems


@pytest.mark.parametrize("reviewer_tab", ["en", "ar"], indirect=True)
def test_staff_pages_by_keyboard(reviewer_tab: tuple[Any, Any], live_server: Any) -> None:
    tab, work = reviewer_tab
    pages = {
        "home": "/admin/",
        "diplomas queue": "/admin/credentials/document/?kind__exact=diploma&status__exact=received",
        "document review": f"/admin/credentials/document/{work.diploma.pk}/change/",
        "applicant file": f"/admin/applicants/applicant/{work.diploma.applicant_id}/change/",
    }
    problems = [p for label, path in pages.items() for p in _walk(tab, live_server.url + path, label)]
    assert problems == []

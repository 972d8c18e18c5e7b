"""Keyboard use of sign-up, identity, upload, payment and the school's answer (issue 16, WCAG 2.4.1,
2.4.7, 3.3.1).

On each page, with the keyboard alone:
- the first Tab stop is the skip link, it is visible when focused, and Enter on it
  moves focus to the page's main content;
- every Tab stop after it shows where the focus is (a visible outline or ring: the
  date field's calendar button had none);
- sending the form with a mistake puts the focus on the error summary, which names
  the problem.

Each page is checked in English and in Arabic (right to left).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from applicants.services.ledger import ledger_post
from applicants.tests.portal_helpers import logged_in, make_graduate, make_new_applicant
from credentials.services.school_verification import school_verification_request
from credentials.services.verification_emails import link_token
from credentials.tests.school_support import diploma_for, staff_user, translation_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_STOPS = 60
# The element that has the focus, and whether a reader can see it: an outline of at
# least 2 px or a box shadow. A date field whose calendar button has the focus matches
# :focus-within only, which is what the stylesheet styles.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const ring = style.boxShadow && style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  return {
    what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(' ').join('.') : ''),
    visible: outline || ring,
    shown: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0 && box.left < innerWidth,
    skip: el.classList.contains('skip-link'),
  };
}"""


def _session(context: Any, client: Any, live_url: str) -> None:
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_url}])


def _walk(tab: Any, label: str) -> list[str]:
    """Tab from the top of the page through every stop; return the problems found."""
    problems = []
    url = tab.url
    tab.goto("about:blank")
    tab.goto(url)  # the first Tab of a freshly loaded page (no field takes the focus on load)
    tab.keyboard.press("Tab")
    first = tab.evaluate(FOCUS_STATE)
    if not first or not first["skip"]:
        problems.append(f"{label}: the first Tab stop is {first and first['what']}, not the skip link")
    elif not (first["visible"] and first["shown"]):
        problems.append(f"{label}: the skip link is not visible when focused")
    seen = 0
    while seen < MAX_STOPS:
        tab.keyboard.press("Tab")
        state = tab.evaluate(FOCUS_STATE)
        if state is None or state["skip"]:
            break  # past the last stop, back to the top
        if not state["visible"]:
            problems.append(f"{label}: no visible focus on {state['what']}")
        seen += 1
    # Enter on the skip link moves the focus to the main content.
    tab.goto("about:blank")
    tab.goto(url)
    tab.keyboard.press("Tab")
    again = tab.evaluate(FOCUS_STATE)
    assert again and again["skip"], f"{label}: after a reload the first Tab stop is {again}"
    tab.keyboard.press("Enter")
    tab.wait_for_function("() => location.hash === '#main'")
    if tab.evaluate("document.activeElement && document.activeElement.id") != "main":
        problems.append(f"{label}: Enter on the skip link does not move the focus to the main content")
    return problems


def _send_by_keyboard(tab: Any) -> None:
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    tab.wait_for_load_state("load")


def _error_summary_has_focus(tab: Any) -> bool:
    """The summary exists, names a problem, and holds the focus (portal.js moves it there)."""
    summary = tab.locator(".error-summary")
    if summary.count() != 1 or not summary.inner_text().strip():
        return False
    try:
        tab.wait_for_function(
            "() => document.activeElement && document.activeElement.classList.contains('error-summary')",
            timeout=5_000,
        )
    except PlaywrightTimeoutError:
        return False
    return True


@pytest.fixture
def keyboard(browser: Any, live_server: Any) -> Callable[..., Any]:
    """A tab at ``width`` speaking ``language``, optionally signed in as ``client``'s user."""
    opened: list[Any] = []

    def open_tab(language: str, client: Any = None, width: int = 375) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 800}, locale=language)
        context.set_default_timeout(15_000)
        opened.append(context)
        if client is not None:
            _session(context, client, live_server.url)
        return context.new_page()

    yield open_tab
    for context in opened:
        context.close()


LANGUAGES = ("en", "ar")


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_up_by_keyboard(keyboard, live_server, language):
    tab = keyboard(language)
    tab.goto(live_server.url + reverse("signup"))
    assert _walk(tab, f"sign-up ({language})") == []
    tab.locator("#id_email").focus()
    tab.keyboard.type("not-an-address")
    _send_by_keyboard(tab)
    assert _error_summary_has_focus(tab)


@pytest.mark.parametrize("language", LANGUAGES)
def test_identity_form_by_keyboard(keyboard, live_server, client, language):
    applicant = make_new_applicant()
    tab = keyboard(language, logged_in(client, applicant))
    tab.goto(live_server.url + reverse("identity"))
    assert _walk(tab, f"identity ({language})") == []
    tab.locator("#id_given_names").focus()
    tab.keyboard.type("Amira")
    tab.locator("[data-testid=identity-form] button.button:not([form])").focus()
    _send_by_keyboard(tab)
    assert _error_summary_has_focus(tab)


@pytest.mark.parametrize("language", LANGUAGES)
def test_upload_by_keyboard(keyboard, live_server, client, language):
    applicant = make_graduate()
    tab = keyboard(language, logged_in(client, applicant))
    tab.goto(live_server.url + reverse("documents"))
    assert _walk(tab, f"documents ({language})") == []
    tab.locator("[data-testid=upload-form] button[type=submit]").focus()
    _send_by_keyboard(tab)  # no file chosen
    assert _error_summary_has_focus(tab)


@pytest.mark.parametrize("language", LANGUAGES)
def test_payment_by_keyboard(keyboard, live_server, client, language):
    applicant = make_graduate()
    ledger_post(applicant=applicant, kind="charge", amount=Decimal("1000.00"), description="USMLE Step 1 fee")
    tab = keyboard(language, logged_in(client, applicant))
    tab.goto(live_server.url + reverse("payment_start"))
    assert _walk(tab, f"pay ({language})") == []
    tab.locator("#id_amount").fill("0")
    tab.locator("#id_amount").focus()
    _send_by_keyboard(tab)
    assert _error_summary_has_focus(tab)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_schools_answer_by_keyboard(keyboard, live_server, language):
    diploma = diploma_for()
    translation_for(diploma.applicant)
    verification = school_verification_request(document=diploma, actor=staff_user())
    tab = keyboard(language)
    tab.goto(live_server.url + reverse("school:respond", args=[link_token(verification)]))
    assert _walk(tab, f"school answer ({language})") == []
    tab.locator("[data-testid=answer-form] button[type=submit]").focus()
    _send_by_keyboard(tab)  # nothing answered
    assert _error_summary_has_focus(tab)

"""Text resized to 200% loses nothing (WCAG 1.4.4, issue 16).

The root font size is doubled, as a reader's browser setting does (the stylesheet sizes
text in rem/em), on a 1280 px screen and on a 375 px phone, in English and in Arabic.
Then no page scrolls sideways and no element cuts its own text (an element whose content
is wider or taller than its box while it hides the overflow).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from applicants.tests.portal_helpers import logged_in, make_graduate
from credentials.services.school_verification import school_verification_request
from credentials.services.verification_emails import link_token
from credentials.tests.school_support import diploma_for, staff_user, translation_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLIPPED = """() => {
  const cut = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || !el.textContent.trim()) continue;
    const hides = ['hidden', 'clip'].includes(style.overflowX) || ['hidden', 'clip'].includes(style.overflowY);
    if (hides && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
      cut.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''));
    }
  }
  return cut;
}"""


def _check(tab: Any, label: str, width: int) -> list[str]:
    tab.evaluate("document.documentElement.style.fontSize = '200%'")
    problems = []
    scroll = tab.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        problems.append(f"{label}: {scroll}px wide at 200% text on a {width}px screen")
    problems += [f"{label}: text cut in {what}" for what in tab.evaluate(CLIPPED)]
    return problems


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_pages_keep_all_their_text_at_200_percent(browser, live_server, client, language, width):
    graduate = make_graduate()
    diploma = diploma_for()
    translation_for(diploma.applicant)
    verification = school_verification_request(document=diploma, actor=staff_user())
    session = logged_in(client, graduate).cookies["sessionid"].value
    pages = {
        "sign-up": (reverse("signup"), False),
        "log-in": (reverse("login"), False),
        "school answer": (reverse("school:respond", args=[link_token(verification)]), False),
        "dashboard": (reverse("dashboard"), True),
        "identity": (reverse("identity"), True),
        "documents": (reverse("documents"), True),
        "exams": (reverse("exams"), True),
        "ledger": (reverse("ledger"), True),
    }
    problems: list[str] = []
    for signed_in in (False, True):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale=language)
        if signed_in:
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        tab = context.new_page()
        for name, (path, needs_login) in pages.items():
            if needs_login == signed_in:
                tab.goto(live_server.url + path)
                problems += _check(tab, f"{name} ({language}, {width}px)", width)
        context.close()
    assert problems == []

"""Playwright driving Debian's Chromium against pytest-django's ``live_server``.

Fixtures for every browser test (``@pytest.mark.browser``):

- ``browser``: one headless Chromium for the session (skipped when Chromium is not
  installed, unless ``REQUIRE_SERVICES=1``: then it fails, as in CI);
- ``page``: a fresh context per test, 375 px wide like a phone, that fails the test
  on any console error (a CSP violation is one) or any page that scrolls sideways;
- ``site``: the ``live_server`` URL, with helpers to open a path and read e-mail links.

Playwright's sync API runs an event loop in this thread, which Django refuses to
mix with database calls unless ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set; it is set here.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 375, "height": 812}
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"


# Per module, not per session: a sync Playwright left running holds an asyncio loop on
# this thread, and any other test that starts Playwright (school-link journey) then fails.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; browser tests are required here.")
        pytest.skip("Chromium is not installed (make browsers).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, locale="en-US")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on("load", lambda loaded: _check_width(loaded, problems))
    yield tab
    context.close()
    # Playwright's event loop leaves this thread's connection open; PostgreSQL then
    # cannot drop the test database at the end of the run.
    connections.close_all()
    assert problems == [], f"Errors in the browser: {problems}"


def _check_width(tab: Any, problems: list[str]) -> None:
    try:
        width = tab.evaluate("document.documentElement.scrollWidth")
    except PlaywrightError:  # the page navigated away meanwhile: the next load is checked
        return
    if width > PHONE["width"]:
        problems.append(f"{tab.url} is {width}px wide on a {PHONE['width']}px screen")


class Site:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def at(self, path: str) -> str:
        return self.url + path

    @staticmethod
    def link_path(body: str, prefix: str) -> str:
        """The path of the first link in an e-mail body that starts with ``prefix``."""
        match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"\S*)", body)
        assert match, body
        return match.group(1)

    @staticmethod
    def screenshot(tab: Any, name: str) -> None:
        """Save a full-page screenshot to docs/screenshots/ when SCREENSHOTS=1."""
        if os.environ.get("SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def site(live_server: Any) -> Site:
    return Site(live_server.url)

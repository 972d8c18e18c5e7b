"""The browser fixtures (``browser``, ``page``, ``site``) for the language tests here."""

from __future__ import annotations

from tests.browser.conftest import browser, page, site

__all__ = ["browser", "page", "site"]

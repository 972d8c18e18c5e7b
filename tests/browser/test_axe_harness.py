"""The accessibility harness itself: it must find a real violation and pass a clean page."""

from __future__ import annotations

import pytest

from tests.support.axe import assert_accessible, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_it_reports_a_button_without_a_name(page, site):
    page.goto(site.at("/login/"))
    page.evaluate("() => document.querySelector('main').appendChild(document.createElement('button'))")
    assert "button-name" in [violation["id"] for violation in axe_violations(page)]


def test_the_login_page_passes(page, site):
    page.goto(site.at("/login/"))
    assert_accessible(page)

"""Uploading in Chromium at phone width: one file, a document of several pages checked
page by page before sending, and a hostile file refused with what to send instead."""

from __future__ import annotations

import re
from typing import Any

import pytest

from applicants.tests.portal_helpers import make_graduate
from credentials.models import Document, DocumentDraft
from tests.security.hostile_files import jpeg_with_gps, multi_page_pdf, png_bytes, tiny_arrays_pdf

from .conftest import Site
from .test_applicant_journeys import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EMAIL = "pages@example.com"


def _file(name: str, mime: str, content: bytes) -> dict[str, Any]:
    return {"name": name, "mimeType": mime, "buffer": content}


def _choose(page: Any, files: list[dict[str, Any]]) -> None:
    page.get_by_label("Which document?").select_option("diploma")
    page.get_by_label("Language of the document").select_option("es")
    page.get_by_label("File or files").set_input_files(files)
    page.get_by_role("button", name="Upload").click()


def test_a_document_of_several_pages_is_checked_page_by_page_then_sent(page: Any, site: Site) -> None:
    applicant = make_graduate(user__email=EMAIL)
    _log_in(page, site, EMAIL)
    page.goto(site.at("/documents/"))
    _choose(
        page,
        [
            _file("front.jpg", "image/jpeg", jpeg_with_gps()),
            _file("back.png", "image/png", png_bytes(300, 420)),
            _file("annex.pdf", "application/pdf", multi_page_pdf(2)),
        ],
    )

    page.wait_for_url(re.compile(r"/documents/draft/"))
    assert page.get_by_role("heading", name="Check the pages before sending").is_visible()
    thumbnails = page.locator("[data-testid=page-previews] img")
    assert thumbnails.count() == 4
    for index in range(4):
        thumbnails.nth(index).scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=thumbnails.nth(index).element_handle()
        )
    assert thumbnails.nth(0).get_attribute("alt") == "Page 1 of 4"
    Site.screenshot(page, "upload-preview")

    page.get_by_role("button", name="Send these 4 pages").click()
    page.wait_for_url(re.compile(r"/documents/$"))
    assert "as one PDF of all its pages" in page.inner_text("main")
    Site.screenshot(page, "upload-sent")
    document = Document.objects.get(applicant=applicant)
    assert document.content_type == "application/pdf"
    assert not DocumentDraft.objects.exists()


def test_starting_again_from_the_preview_sends_nothing(page: Any, site: Site) -> None:
    applicant = make_graduate(user__email=EMAIL)
    _log_in(page, site, EMAIL)
    page.goto(site.at("/documents/"))
    _choose(page, [_file("a.png", "image/png", png_bytes()), _file("b.png", "image/png", png_bytes())])
    page.wait_for_url(re.compile(r"/documents/draft/"))
    page.get_by_role("button", name="Start again").click()
    page.wait_for_url(re.compile(r"/documents/$"))
    assert "Nothing was sent" in page.inner_text("main")
    assert not Document.objects.filter(applicant=applicant).exists()


def test_a_single_file_is_sent_at_once(page: Any, site: Site) -> None:
    applicant = make_graduate(user__email=EMAIL)
    _log_in(page, site, EMAIL)
    page.goto(site.at("/documents/"))
    _choose(page, [_file("diploma.pdf", "application/pdf", multi_page_pdf(1))])
    page.wait_for_url(re.compile(r"/documents/$"))
    assert "We received your final medical diploma" in page.inner_text("main")
    assert Document.objects.filter(applicant=applicant).count() == 1


def test_a_hostile_pdf_is_refused_with_what_to_send_instead(page: Any, site: Site) -> None:
    make_graduate(user__email=EMAIL)
    _log_in(page, site, EMAIL)
    page.goto(site.at("/documents/"))
    _choose(page, [_file("diploma.pdf", "application/pdf", tiny_arrays_pdf())])
    error = page.inner_text("#id_file_error")
    assert "far more complex than a scanned or printed document" in error
    assert "print it to a new PDF" in error
    Site.screenshot(page, "upload-refused")
    assert not Document.objects.exists()

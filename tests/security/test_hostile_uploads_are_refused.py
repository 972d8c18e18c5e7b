"""Hostile files are refused by content, each with a sentence the applicant can act on,
and the check is bounded: it runs in a child with hard limits after a budgeted scan."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credentials.disarm.errors import Refusal
from credentials.disarm.pdf_budget import PdfBudget, scan_pdf
from credentials.uploads import check_upload
from ecfmg_portal.errors import DomainError

from .hostile_files import (
    Hostile,
    budget_corpus,
    corpus,
    huge,
    jpeg_bytes,
    multi_page_pdf,
    nested_arrays_pdf,
    plain_pdf,
    png_bytes,
    tiff_bytes,
    tiny_arrays_pdf,
)

CORPUS = corpus()
BUDGET = budget_corpus()


def _check(content: bytes, name: str = "diploma.pdf"):
    return check_upload(SimpleUploadedFile(name, content, content_type="application/pdf"))


@pytest.mark.parametrize("hostile", CORPUS, ids=[h.label for h in CORPUS])
def test_hostile_file_is_refused_with_a_clear_message(hostile: Hostile):
    with pytest.raises(DomainError) as refused:
        _check(hostile.content, hostile.name)
    assert refused.value.code == hostile.code
    assert hostile.message_word in refused.value.message
    assert refused.value.field == "file"


@pytest.mark.parametrize("hostile", BUDGET, ids=[h.label for h in BUDGET])
def test_a_file_built_to_exhaust_the_parser_is_refused_by_the_bounded_check(hostile: Hostile):
    with pytest.raises(DomainError) as refused:
        _check(hostile.content, hostile.name)
    assert refused.value.code == hostile.code
    assert hostile.message_word in refused.value.message
    # Every refusal says what to send instead.
    assert any(word in refused.value.message for word in ("scan", "print it to a new PDF", "send at most"))


def test_the_issues_file_is_about_26_kb_and_holds_300_000_arrays():
    data = tiny_arrays_pdf()
    assert 20_000 < len(data) < 32_000
    with pytest.raises(Refusal) as refused:
        scan_pdf(data)
    assert refused.value.code == "upload_pdf_complex"


def test_the_budget_stops_reading_at_its_limit_not_at_the_end_of_the_file():
    # Nesting 200,000 deep is refused at the 33rd level: the scan never walks the rest.
    scanner_budget = PdfBudget()
    with pytest.raises(Refusal):
        scan_pdf(nested_arrays_pdf(), scanner_budget)


def test_an_ordinary_pdf_fits_the_budget_with_room_to_spare():
    spent = scan_pdf(multi_page_pdf(50))
    budget = PdfBudget()
    assert spent.objects <= budget.max_objects // 10
    assert spent.containers <= budget.max_containers // 10
    assert spent.max_depth_seen <= 3


@pytest.mark.parametrize(
    ("content", "mime"),
    [
        (plain_pdf(), "application/pdf"),
        # An "open at page 1, fit" destination is not an action; it goes with the catalog anyway.
        (plain_pdf(catalog_extra=b"/OpenAction [3 0 R /Fit]"), "application/pdf"),
        (multi_page_pdf(3), "application/pdf"),
        (png_bytes(), "image/png"),
        (jpeg_bytes(), "image/jpeg"),
        (tiff_bytes(), "image/png"),  # a one-page TIFF comes back as a lossless PNG
    ],
)
def test_ordinary_scans_are_accepted_as_a_disarmed_copy_with_the_originals_hash(content: bytes, mime: str):
    checked = check_upload(SimpleUploadedFile("scan.bin", content))
    assert checked.content_type == mime
    assert checked.original_sha256 == hashlib.sha256(content).hexdigest()
    assert checked.sha256 == hashlib.sha256(checked.content).hexdigest()
    assert checked.pages >= 1


def test_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    with pytest.raises(DomainError) as refused:
        check_upload(SimpleUploadedFile("diploma.pdf", huge(settings.UPLOAD_MAX_BYTES)))
    assert refused.value.code == "upload_too_large"
    assert "larger than 1 MB" in refused.value.message


def test_file_that_lies_about_its_size_is_still_cut_at_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("diploma.pdf", huge(settings.UPLOAD_MAX_BYTES))
    upload.size = 10  # a client-declared size is never trusted
    with pytest.raises(DomainError) as refused:
        check_upload(upload)
    assert refused.value.code == "upload_too_large"


def test_missing_file_is_refused():
    with pytest.raises(DomainError) as refused:
        check_upload(None)
    assert refused.value.code == "upload_missing"


def test_a_check_that_overruns_its_memory_limit_is_a_refusal_and_the_worker_carries_on(settings):
    # A 36-megapixel scan is within the pixel limit but needs over 100 MB to decode.
    settings.UPLOAD_SANDBOX_MEMORY_MB = 80
    with pytest.raises(DomainError) as refused:
        _check(png_bytes(6000, 6000), "scan.png")
    assert refused.value.code == "upload_too_complex"
    assert "Scan the paper document again" in refused.value.message


def test_a_check_that_overruns_its_wall_clock_is_a_refusal(settings):
    settings.UPLOAD_SANDBOX_WALL_SECONDS = 0
    with pytest.raises(DomainError) as refused:
        _check(multi_page_pdf(1))
    assert refused.value.code == "upload_too_complex"

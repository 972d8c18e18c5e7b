"""The public certificate checker in Chromium, for a reader whose browser asks for
Spanish or Arabic: the verdict and every check are in that language, axe-clean, right to
left in Arabic (issue 16, R-VE-4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage

from certificates.services import certificate_issue_if_eligible
from certificates.tests.factories import applicant_with
from tests.browser.conftest import Site
from tests.support.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


CASES = {
    "es": {
        "width": 1280,
        "button": "Comprobar el archivo",
        "headline": "Válido: es un Standard ECFMG Certificate",
        "check": "Firma del PDF: Firmado por",
        "dir": "ltr",
    },
    "ar": {
        "width": 375,
        "button": "تحقق من الملف",
        "headline": "صالحة: هذه شهادة Standard ECFMG Certificate أصلية",
        "check": "توقيع ملف PDF: وقّعه",
        "dir": "rtl",
    },
}


@pytest.mark.parametrize("language", sorted(CASES))
def test_a_reader_checks_a_certificate_in_their_language(
    browser: Any, site: Site, tmp_path: Path, language: str
) -> None:
    case = CASES[language]
    applicant = applicant_with(given_names="Lucía", last_name="Fernández")
    certificate = certificate_issue_if_eligible(applicant_id=applicant.pk)
    assert certificate is not None
    certificate.refresh_from_db()
    pdf = tmp_path / "certificado.pdf"
    with default_storage.open(certificate.pdf.name, "rb") as handle:
        pdf.write_bytes(handle.read())
    context = browser.new_context(viewport={"width": case["width"], "height": 900}, locale=language)
    try:
        tab = context.new_page()
        tab.goto(site.at("/credentials/verify/"))
        assert tab.evaluate("document.documentElement.lang") == language
        assert tab.evaluate("document.documentElement.dir") == case["dir"]
        tab.set_input_files("input[type=file]", str(pdf))
        tab.get_by_role("button", name=case["button"]).click()
        tab.wait_for_selector("[data-testid=verdict]")
        assert tab.inner_text("[data-testid=verdict-headline]").startswith(case["headline"])
        checks = tab.inner_text("[data-testid=checks]")
        assert case["check"] in checks and "Signed" not in checks
        assert certificate.number in tab.inner_text("[data-testid=verified-claims]")
        assert tab.evaluate("document.documentElement.scrollWidth") <= case["width"]
        assert_accessible(tab, label=f"certificate checker in {language}")
        Site.screenshot(tab, f"verify-credential-{language}")
    finally:
        context.close()
